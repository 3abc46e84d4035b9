terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # The provider validates aws_lambda_function.runtime against the Go SDK's runtime enum; "dotnet10" is in
      # it from 6.27.0 on, and every 5.x release rejects it at plan time ("expected runtime to be one of ...").
      version = ">= 6.27.0, < 7.0.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project   = "eventbot"
      ManagedBy = "terraform"
    }
  }
}

data "aws_caller_identity" "current" {}
