# The python-stdnum side of `npm run bench -- codes-cli`: one USCC per line on stdin, one verdict per line on
# stdout ("code<TAB>valid|invalid"), checked with Debian's python3-stdnum (stdnum.cn.uscc.is_valid).
import sys

from stdnum.cn import uscc

is_valid = uscc.is_valid
write = sys.stdout.write
for line in sys.stdin:
    code = line.rstrip('\r\n')
    write(code + ('\tvalid\n' if is_valid(code) else '\tinvalid\n'))
