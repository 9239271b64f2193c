module y
