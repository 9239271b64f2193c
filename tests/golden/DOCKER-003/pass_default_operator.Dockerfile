ARG BASE
FROM ${BASE:-python:3.12-slim}
