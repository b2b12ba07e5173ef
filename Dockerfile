# syntax=docker/dockerfile:1
# The Sluice binaries (sluice, sluice-worker, ecs-tasks) in one small image that runs as a
# non-root user. One image serves every ECS task definition in deploy/; the command picks the
# binary. Not built in CI (no Docker on those machines): see docs/deploy.md.

# The toolchain of rust-toolchain.toml.
FROM rust:1.95.0-slim-bookworm AS build
# A C compiler and cmake for aws-lc-sys (the AWS SDK's TLS crypto).
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc g++ make cmake perl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin sluice --bin sluice-worker --bin ecs-tasks \
 && mkdir -p /out \
 && cp target/release/sluice target/release/sluice-worker target/release/ecs-tasks /out/

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 sluice \
 && useradd --system --uid 10001 --gid sluice --home-dir /var/lib/sluice --create-home --shell /usr/sbin/nologin sluice
COPY --from=build /out/ /usr/local/bin/
COPY deploy/docker/entrypoint.sh /usr/local/bin/sluice-entrypoint
USER 10001:10001
WORKDIR /var/lib/sluice
ENV SLUICE_BIND=0.0.0.0:8080 \
    SLUICE_DATA_DIR=/var/lib/sluice \
    SLUICE_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/sluice-entrypoint"]
CMD ["sluice", "serve"]
