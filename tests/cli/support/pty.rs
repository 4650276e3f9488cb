//! Driving an interactive command through a pseudo-terminal with python3's `pty`.

/// The start of a python3 script run as `python3 -c SCRIPT CMD ARGS...`: CMD
/// runs on a new pseudo-terminal (`fd`), and `expect(text)` reads its output
/// (kept in `seen`) until `text` appears, failing after 20 s or at end of file.
/// The test appends what to answer at each prompt.
pub const PTY_EXPECT: &str = r#"import os, pty, sys, time, select, termios
argv = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
seen = b""
def expect(text, timeout=20):
    global seen
    end = time.time() + timeout
    while text.encode() not in seen:
        left = end - time.time()
        if left <= 0:
            sys.stdout.write(seen.decode(errors="replace"))
            sys.exit("timed out waiting for %r" % text)
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                sys.stdout.write(seen.decode(errors="replace"))
                sys.exit("eof waiting for %r" % text)
            seen += chunk
"#;
