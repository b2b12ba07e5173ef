# The verbs people type. CARGO_TARGET_DIR lives outside the clone so builds survive re-clones.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/sluice/target

.PHONY: dev test deploy-test fmt lint schema migrate build bench bench-idle bench-search

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

## Seed a tenant (SIZE=S, the default, or SIZE=L), load `sluice serve` with wrk and write
## bench/results/<date>-<size>.md; a report, not a test.
bench:
	bash scripts/bench.sh $(ARGS)

## Issue 28's "Idle" target alone: SQL statements/s of an idle `sluice serve` on Postgres, and
## how soon it then starts a new task (about a minute once the release build is there).
bench-idle:
	bash scripts/bench.sh --idle-only $(ARGS)

## searchCatalog's engine alone: p50/p99 over 100k documents in Tantivy.
bench-search:
	cargo bench -p sluice-search --bench catalog_search
