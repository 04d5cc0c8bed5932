# syntax=docker/dockerfile:1
# cstbot: a static binary on distroless. Build:
#   docker build --build-arg VERSION=$(git describe --always) -t cstbot .
# Run (tokens from an env file, the FAQ mounted so edits reload live):
#   docker run --env-file cstbot.env -v $PWD/faq:/etc/cstbot -p 8080:8080 cstbot

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/cstbot ./cmd/cstbot
# The question log's directory, owned by nonroot (the final image has no shell to make it).
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/cstbot /cstbot
COPY --from=build --chown=nonroot:nonroot /out/data /data
USER nonroot:nonroot
# /healthz and /metrics; the FAQ is read from /etc/cstbot/faq.yaml when
# mounted; the log of unanswered questions goes to the /data volume.
ENV CSTBOT_HTTP_ADDR=:8080 CSTBOT_DATA=/data/cstbot.db
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/cstbot", "healthcheck"]
ENTRYPOINT ["/cstbot"]
CMD ["serve"]
