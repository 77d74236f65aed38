# pgpref: PGXS build.  The version lives in pgpref.control only.
EXTENSION  = pgpref
EXTVERSION := $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big = pgpref
# One C file per feature; keep the SQL pieces in install order.
OBJS = \
	src/pgpref.o \
	src/common.o \
	src/linalg.o \
	src/pair.o \
	src/ranking.o \
	src/query.o \
	src/tally.o \
	src/tally_agg.o \
	src/tally_io.o \
	src/bt_core.o \
	src/bt.o \
	src/knn_sort.o \
	src/shapley_core.o \
	src/shapley.o \
	src/subset_core.o \
	src/subset.o \
	src/selmerge_core.o \
	src/quota_core.o \
	src/selmerge.o \
	src/greedi.o \
	src/dpo_core.o \
	src/dpo.o \
	src/dpo_agg.o \
	src/dpo_state.o \
	src/gram_core.o \
	src/gram.o \
	src/reward_core.o \
	src/reward.o \
	src/reward_fit.o \
	src/reward_bt.o \
	src/curation_core.o \
	src/curation.o \
	src/curation_jobs.o \
	src/agree.o \
	src/calib.o \
	src/bt_mm.o \
	src/bt_boot.o \
	src/bt_extra.o \
	src/elo.o \
	src/pl_core.o \
	src/plackett_luce.o \
	src/pl_model.o \
	src/binomial.o \
	src/poisson.o \
	src/bt_io.o \
	src/rng.o \
	src/state.o \
	src/groups_core.o \
	src/groups.o \
	src/reward_report.o \
	src/rso.o \
	src/intrans_core.o \
	src/intrans.o \
	src/kmeans_core.o \
	src/kmeans.o \
	src/ivf_core.o \
	src/ivf.o \
	src/lcbt_core.o \
	src/lcbt.o \
	src/compat.o

SQL_PARTS = \
	src/pgpref.sql \
	src/pair.sql \
	src/ranking.sql \
	src/tally.sql \
	src/bt.sql \
	src/shapley.sql \
	src/subset.sql \
	src/dpo.sql \
	src/reward.sql \
	src/gram.sql \
	src/curation.sql \
	src/agree.sql \
	src/calib.sql \
	src/curation_jobs.sql \
	src/bt_extra.sql \
	src/elo.sql \
	src/plackett_luce.sql \
	src/groups.sql \
	src/intrans.sql \
	src/kmeans.sql \
	src/ivf.sql \
	src/lcbt.sql \
	src/selmerge.sql \
	src/curation_leaderboard.sql \
	src/curation_valuation.sql

# Upgrade scripts pgpref--A--B.sql and earlier releases' frozen install
# scripts live in src/ and install through this wildcard.
DATA       = $(wildcard src/$(EXTENSION)--*.sql)
DATA_built = $(EXTENSION)--$(EXTVERSION).sql
EXTRA_CLEAN = $(DATA_built) results regression.diffs regression.out

REGRESS      = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --load-extension=$(EXTENSION)

# OpenBLAS: the OpenMP variant, pinned to one thread inside a backend unless
# pgpref.blas_threads says otherwise.  Override OPENBLAS_LIBDIR /
# OPENBLAS_INCDIR to use another build.
MULTIARCH       ?= $(shell $(CC) -print-multiarch 2>/dev/null || gcc -print-multiarch)
OPENBLAS_LIBDIR ?= /usr/lib/$(MULTIARCH)/openblas-openmp
OPENBLAS_INCDIR ?= /usr/include/$(MULTIARCH)/openblas-openmp
SHLIB_LINK += -L$(OPENBLAS_LIBDIR) -Wl,-rpath,$(OPENBLAS_LIBDIR) -lopenblas -lm

# Reproducible floating point: no -ffast-math.  OPTFLAGS is optional tuning.
OPTFLAGS ?=
PG_CPPFLAGS = -isystem $(includedir_server) -isystem $(includedir_internal) -I$(OPENBLAS_INCDIR) -Isrc -DPGPREF_VERSION='"$(EXTVERSION)"'
# Warnings everywhere; -Werror only where the project's own harness asks for
# it (test/run.sh builds with WERROR=1), never in the build users get.
WERROR     ?=
PG_CFLAGS   = -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) $(OPTFLAGS)

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# make CC=clang: drop the gcc-only flags of the server's own build, which
# clang warns about
ifneq (,$(findstring clang,$(CC)))
override CFLAGS := $(filter-out -fexcess-precision=standard -Wimplicit-fallthrough=3 -Wcast-function-type \
	-Wno-format-truncation -Wno-stringop-truncation,$(CFLAGS))
endif

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PARTS) $(EXTENSION).control Makefile
	( printf '%s\n' '-- pgpref $(EXTVERSION): generated from src/*.sql by the Makefile; do not edit' \
	    '\echo Use "CREATE EXTENSION pgpref" to load this file. \quit'; \
	  for f in $(SQL_PARTS); do printf '\n-- ---- %s\n' "$$f"; cat "$$f"; done ) > $@

# Headers: every object depends on all of them (coarse, never stale)
$(OBJS): $(wildcard src/*.h)

# The version is compiled into these objects
src/pgpref.o src/compat.o: $(EXTENSION).control

.PHONY: test demo bench deps
deps:
	bash test/deps.sh

# The README's two commands.
test:
	bash test/run.sh test

demo:
	bash test/run.sh demo

bench:
	bash test/run.sh bench

.PHONY: dashboard
# The Shiny dashboard (examples/dashboard) over the demo cluster, screenshots
# of its four pages in headless Chromium (docs/img/dashboard_*.png) and a
# check that they show the database's numbers; not part of make test.
dashboard:
	bash test/dashboard.sh

.PHONY: valgrind fuzz
# pg_regress with every backend under valgrind memcheck, against a
# valgrind-aware, assert-enabled PostgreSQL 15 built once into
# /var/cache/pgpref (PGPREF_VG_PREFIX); fails on any valgrind error.
valgrind:
	bash test/valgrind.sh

# The mutation fuzz of every type's text and binary input, long
# (PGPREF_FUZZ_N inputs per type and path, PGPREF_FUZZ_SEED).
fuzz:
	bash test/fuzz.sh

.PHONY: deb dist test-deb
# The Debian package postgresql-15-pgpref in build/deb/, built with Debian's
# PostgreSQL extension tooling (debian/, pg_buildext) in a temporary copy of
# the tree; installs the build dependencies first (root or sudo).
deb:
	bash test/deb.sh build

# Install the package, run a smoke query against a throwaway cluster, remove
# it and make install again (the "deb" part of test/run.sh).
test-deb:
	bash test/run.sh deb

# PGXN-style zip of the committed tree (HEAD): build/dist/pgpref-X.Y.Z.zip
dist:
	@mkdir -p build/dist
	git archive --format zip --prefix=$(EXTENSION)-$(EXTVERSION)/ -o build/dist/$(EXTENSION)-$(EXTVERSION).zip HEAD
	@git diff --quiet HEAD -- || echo "note: uncommitted changes are not in the zip (it is made from HEAD)"
	@echo "build/dist/$(EXTENSION)-$(EXTVERSION).zip"
