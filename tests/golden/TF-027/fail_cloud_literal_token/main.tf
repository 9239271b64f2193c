terraform {
  required_version = ">= 1.6"
  cloud {
    organization = "acme"
    token        = "Xk2pQ9rT7vLm3N.atlasv1.c8Hw4Zy6Bq1Fs5Dj0Ku9Ep3Rt7Ya2Vn6Mx4Lc8Gh1Js5" # expect: TF-027
    workspaces {
      name = "network-prod"
    }
  }
}
