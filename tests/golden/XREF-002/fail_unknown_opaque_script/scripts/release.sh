#!/bin/sh
docker push "$1"
