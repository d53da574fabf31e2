# The two commands: `make demo` and `make test`. Both install what is missing first.
.PHONY: deps web build-debug build-release test demo bench clean

PORT ?= 8080
DB ?= var/demo.db

# The web application is built and tested with the Node.js and npm pinned in tools/node (installed
# from the npm registry by scripts/node-toolchain), never with whatever Node the machine has.
NODE_BIN := $(CURDIR)/tools/node/bin
export PATH := $(NODE_BIN):$(PATH)
# Node's release binaries trust their own list of certificate authorities; this one makes them trust
# the machine's (/etc/ssl/certs), as Debian's tools do, so a registry reached through a proxy whose
# authority the machine trusts works for them too.
export NODE_USE_SYSTEM_CA := 1

deps:
	@scripts/install-deps
	@scripts/node-toolchain

# The web application (web/): npm packages from the lock file (installed afresh when it or the
# Node.js version changes), then a Vite build into web/dist, which the server serves.
web: deps
	@scripts/web-deps
	@cd web && npm run --silent build >/dev/null

build-debug: deps web
	@cmake --preset debug -DNODE_PROGRAM=$(NODE_BIN)/node >/dev/null
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
