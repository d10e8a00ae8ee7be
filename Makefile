# Everything a fresh machine needs is installed by these targets themselves.
.PHONY: demo test test-rust lint

demo:
	cargo run --quiet --release -p sinch-auth-cli -- demo

test: test-rust

test-rust:
	cargo test --workspace --quiet

lint:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
