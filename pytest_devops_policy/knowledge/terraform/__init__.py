"""What Terraform policies share: Terraform's own rules, and the providers' defaults.

* Terraform: ``values`` (conversions), ``references``, ``functions``, ``dynamic``
  (dynamic blocks), ``evaluate`` (resolution, candidates, verdicts), ``links``
  (which resource points at which), ``module`` (the module as knowledge sees it,
  and how findings about values read), ``requirements`` (must be true, at least N).
* Providers: ``iam`` (policy documents, bindings), ``network`` and ``firewall``
  (sources, ports, ingress rules), ``aws_s3``, ``gcp_storage``, ``azure_storage``
  (who can read storage), ``backups`` (automated backups and their defaults).
"""
