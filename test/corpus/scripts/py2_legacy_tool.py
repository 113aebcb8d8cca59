#!/usr/bin/env python2
# Old deploy helper; still in the repo, never ported to Python 3.
import os
import sys
import time
import urllib2


def wait_for(url, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib2.urlopen(url, timeout=5)
            print "up:", url
            return True
        except urllib2.URLError, e:
            print >>sys.stderr, "waiting for %s (%s)" % (url, e)
            time.sleep(2)
    return False


if __name__ == "__main__":
    ok = wait_for(sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8000/health")
    sys.exit(0 if ok else 1)
