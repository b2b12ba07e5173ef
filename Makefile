# The verbs people type. CARGO_TARGET_DIR lives outside the clone so builds survive re-clones.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/sluice/target

.PHONY: dev test deploy-test fmt lint schema migrate build bench

## Start moto (local AWS with Cognito users), then Sluice in embedded mode with demo data.
dev:
	bash scripts/dev.sh

## Run every test against Postgres, SQLite and moto.
test:
	bash scripts/test.sh

## The deploy/ CDK app alone: tests, cdk-nag, offline synth and cfn-lint.
deploy-test:
	bash scripts/deploy_test.sh

fmt:
	cargo fmt --all

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

## Regenerate api/schema.graphql from the code.
schema:
	cargo run -q --bin sluice -- print-schema > api/schema.graphql

migrate:
	cargo run -q --bin sluice -- migrate

build:
	cargo build --release --bin sluice

## searchCatalog's latency (p50/p99) over 100k documents in Tantivy; a report, not a test.
bench:
	cargo bench -p sluice-search --bench catalog_search
