FROM python:3.12-slim
ONBUILD ENV API_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc
