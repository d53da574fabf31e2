# The two commands: `make demo` and `make test`. Both install what is missing first.
.PHONY: deps build-debug build-release test demo bench clean

PORT ?= 8080
DB ?= var/demo.db

deps:
	@scripts/install-deps

build-debug: deps
	@cmake --preset debug >/dev/null
	@cmake --build --preset debug

build-release: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release

test: build-debug
	@ctest --preset debug

demo: build-release
	@mkdir -p var
	@build/release/bin/jointcare demo --db $(DB) --port $(PORT)

bench: build-release
	@build/release/bin/generate_bench

clean:
	rm -rf build
