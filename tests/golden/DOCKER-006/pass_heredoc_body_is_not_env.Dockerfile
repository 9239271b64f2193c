FROM alpine:3.20
RUN <<EOF
# ENV GITHUB_TOKEN=ghp_this_is_shell_text_not_an_instruction
echo done
EOF
