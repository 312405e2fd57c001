# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
# Where things are, for the scripts that source this (testing/lib.sh,
# tools/demo.sh, bench/bench.sh): TOP the repository, BUILD the build
# directory made absolute (the Makefile's BUILD, default build), STAMPEDE
# the controller.  ip, ethtool and sysctl live in sbin, which a non-login
# root shell may lack.
export PATH=$PATH:/usr/sbin:/sbin
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in
/*) ;;
*) BUILD=$TOP/$BUILD ;;
esac
export BUILD
STAMPEDE=$BUILD/stampede
