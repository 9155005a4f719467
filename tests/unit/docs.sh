#!/bin/bash
# The documentation against the program (issue 13): every option vmm
# --help lists is in README's option tables and the man page; every guest
# README's "More guests" table names is built by make (not only make
# check); README says where finish stops working. No KVM needed.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

README="$VMM_SRCDIR/README.md"
MAN="$VMM_SRCDIR/doc/vmm.1"
[ -x "$VMM" ] || { echo "1..0 # SKIP no vmm at $VMM"; exit 0; }

for opt in $("$VMM" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
	# A table row whose first cell names the option.
	if awk -F'|' -v o="\`$opt" '/^\| / && index($2, o "`") + index($2, o "=") + index($2, o "[") { f = 1 } END { exit !f }' "$README"; then
		ok "README's option tables list $opt"
	else
		not_ok "README's option tables list $opt"
	fi
	man_opt=$(printf '%s' "$opt" | sed 's/-/\\-/g')
	if grep -qF -- "$man_opt" "$MAN"; then
		ok "doc/vmm.1 lists $opt"
	else
		not_ok "doc/vmm.1 lists $opt"
	fi
done

# "More guests": each row's guest has its source and is in the list that
# make (all) builds, read from the generated Makefile.
student=$(awk '/^STUDENT_GUESTS = / { f = 1 }
	f { line = $0; more = line ~ /\\$/; sub(/\\$/, "", line); printf "%s ", line; if (!more) exit }' "$VMM_BUILDDIR/Makefile")
guests=$(sed -n '/^### More guests/,/^### /p' "$README" | grep -oE '^\| `[a-z0-9_]+\.elf`' | grep -oE '[a-z0-9_]+\.elf')
[ -n "$guests" ] && ok "README has a \"More guests\" table" || not_ok "README has a \"More guests\" table"
for g in $guests; do
	case " $student " in
	*"tests/guests/$g"*) ok "$g is built by make (STUDENT_GUESTS)" ;;
	*) not_ok "$g is built by make (STUDENT_GUESTS)"; echo "# STUDENT_GUESTS: $student" ;;
	esac
	[ -f "$VMM_SRCDIR/tests/guests/${g%.elf}.S" ] && ok "$g has its source in tests/guests" ||
		not_ok "$g has its source in tests/guests"
done

# finish: README says where gdb refuses it, and why.
finish=$(grep -A7 -F '`finish`: one instruction per step' "$README")
case $finish in
*'outermost frame'*'backtrace past-main'*) ok "README: finish out of main is refused, and why" ;;
*) not_ok "README: finish out of main is refused, and why" ;;
esac

done_testing
