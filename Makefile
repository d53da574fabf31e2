# The two commands: `make demo` and `make test`. Both install what is missing first.
.PHONY: deps web build-debug build-release test demo bench clean

PORT ?= 8080
DB ?= var/demo.db

deps:
	@scripts/install-deps

# The web application (web/): npm packages from the lock file, then a Vite build into web/dist,
# which the server serves.
web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	@cd web && npm ci --no-audit --no-fund --loglevel=error

web: deps web/node_modules/.package-lock.json
	@cd web && npm run --silent build >/dev/null

build-debug: deps web
	@cmake --preset debug >/dev/null
	@cmake --build --preset debug

build-release: deps web
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
	rm -rf build web/dist
