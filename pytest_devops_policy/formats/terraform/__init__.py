"""Terraform (HCL2) files: ``model`` (values, blocks, the parsed file), ``resource`` (the
subject), ``parser`` (parse with a named HCL backend: ``hcl_treesitter`` or
``hcl_python_hcl2``; ``heredoc`` serves both)."""
