# expect-unknown: TF-028
module "bucket_archive" {
  source = "s3::https://s3-eu-west-1.amazonaws.com/acme-modules/vpc.zip"
}
