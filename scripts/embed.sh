#!/bin/sh
# embed.sh NAME FILE: prints a C file defining `const char NAME[]` with the
# bytes of FILE and a terminating NUL, so data files ship inside the binary.
set -eu
name=$1 file=$2
printf '/* generated from %s by scripts/embed.sh; do not edit */\n' "$file"
printf 'extern const char %s[];\nconst char %s[] = {\n' "$name" "$name"
od -An -v -tx1 "$file" | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'
printf '0x00 };\n'
