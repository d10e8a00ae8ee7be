//! Writing an [`Answer`] to the caller: the status line, the headers, the body framed by its
//! length or chunked, in writes of up to [`WRITE_BUFFER`] bytes.
//!
//! Each read of the upstream body (up to ureq's 128 KiB input buffer) is one write to the
//! caller. (tiny_http, used before, copied through a `Box<dyn Read>` with std's 8 KiB buffer:
//! 65,536 sends for 512 MiB, seen with strace.) A body without a length goes chunked, or, to
//! an HTTP/1.0 caller, buffered up to a bound.

use super::forward::Answer;
use super::read_ahead::ReadAhead;
use std::io::{Read, Write};

/// The largest single read (and write) of a body: ureq's input buffer, which one read of its
/// body reader never exceeds.
const WRITE_BUFFER: usize = 128 * 1024;

/// Room before the data for a chunk's size line (`{:x}\r\n`, at most 8 hex digits + CRLF
/// for a chunk of [`WRITE_BUFFER`]).
const CHUNK_HEAD: usize = 10;

/// Bodies larger than this (or of unknown length) are read ahead on a second thread; smaller
/// ones are not worth a thread.
const READ_AHEAD_ABOVE: u64 = 1024 * 1024;

/// An HTTP/1.0 caller cannot take a chunked body: a body without a length is buffered up to
/// this size to be sent with one, refused (502) above it.
const HTTP10_BUFFER_LIMIT: usize = 8 * 1024 * 1024;

/// What the caller asked that decides the answer's framing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Caller {
    pub(crate) http10: bool,
    pub(crate) head: bool,
    /// The caller said `Connection: close` (or HTTP/1.0 without keep-alive).
    pub(crate) closing: bool,
}

impl Caller {
    pub(crate) fn of(head: &super::http1::Head) -> Caller {
        let connection = head.header("connection").map(str::to_ascii_lowercase);
        let closing = match &connection {
            Some(v) if v.contains("close") => true,
            Some(v) if v.contains("keep-alive") => false,
            _ => head.http10,
        };
        Caller {
            http10: head.http10,
            head: head.method == "HEAD",
            closing,
        }
    }
}

/// How the body is delimited on the wire.
enum Framing {
    None,
    Length(u64),
    Chunked,
}

/// Sends `answer` to `out`: the status sent (a 502 instead of an answer an HTTP/1.0 caller
/// cannot take), and the body bytes sent or the error that stopped it.
pub(crate) fn respond(
    out: &mut dyn Write,
    caller: Caller,
    mut answer: Answer,
) -> (u16, std::io::Result<u64>) {
    let no_body = caller.head || matches!(answer.status, 100..=199 | 204 | 304);
    let framing = match answer.length {
        _ if matches!(answer.status, 100..=199 | 204) => Framing::None,
        Some(n) => Framing::Length(n as u64),
        None if no_body => Framing::None,
        None if !caller.http10 => Framing::Chunked,
        None => match buffer_for_http10(&mut answer.body) {
            Ok(bytes) => {
                let n = bytes.len() as u64;
                answer.body = Box::new(std::io::Cursor::new(bytes));
                Framing::Length(n)
            }
            Err(refused) => {
                answer = refused;
                Framing::Length(answer.length.unwrap_or(0) as u64)
            }
        },
    };
    (answer.status, send(out, caller, answer, framing, no_body))
}

fn send(
    out: &mut dyn Write,
    caller: Caller,
    mut answer: Answer,
    framing: Framing,
    no_body: bool,
) -> std::io::Result<u64> {
    let mut head = Vec::with_capacity(256);
    let reason = ureq::http::StatusCode::from_u16(answer.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let version = if caller.http10 { "1.0" } else { "1.1" };
    write!(head, "HTTP/{version} {} {reason}\r\n", answer.status)?;
    for (name, value) in &answer.headers {
        head.extend_from_slice(name.as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value);
        head.extend_from_slice(b"\r\n");
    }
    match framing {
        Framing::Length(n) => write!(head, "Content-Length: {n}\r\n")?,
        Framing::Chunked => head.extend_from_slice(b"Transfer-Encoding: chunked\r\n"),
        Framing::None => {}
    }
    if caller.closing {
        head.extend_from_slice(b"Connection: close\r\n");
    } else if caller.http10 {
        // HTTP/1.0 closes unless both sides say otherwise.
        head.extend_from_slice(b"Connection: keep-alive\r\n");
    }
    head.extend_from_slice(b"\r\n");
    out.write_all(&head)?;

    if !no_body
        && match framing {
            Framing::Length(n) => n > READ_AHEAD_ABOVE,
            Framing::Chunked => true,
            Framing::None => false,
        }
    {
        answer.body = match ReadAhead::start(answer.body) {
            Ok(ahead) => Box::new(ahead),
            Err(body) => body,
        };
    }
    let sent = match framing {
        _ if no_body => 0,
        Framing::None => 0,
        Framing::Length(n) => copy_exactly(&mut answer.body, out, n)?,
        Framing::Chunked => copy_chunked(&mut answer.body, out)?,
    };
    out.flush()?;
    Ok(sent)
}

/// Copies `n` bytes; fewer is an error (`UnexpectedEof`): the caller was promised `n`.
fn copy_exactly(body: &mut dyn Read, out: &mut dyn Write, n: u64) -> std::io::Result<u64> {
    let mut buf = vec![0u8; WRITE_BUFFER.min(n as usize)];
    let mut left = n;
    while left > 0 {
        let want = buf.len().min(left as usize);
        let got = read_some(body, &mut buf[..want])?;
        if got == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        out.write_all(&buf[..got])?;
        left -= got as u64;
    }
    Ok(n)
}

/// One chunk per read: the size line and the trailing CRLF share the data's buffer, so each
/// chunk is one write.
fn copy_chunked(body: &mut dyn Read, out: &mut dyn Write) -> std::io::Result<u64> {
    let mut buf = vec![0u8; CHUNK_HEAD + WRITE_BUFFER + 2];
    let mut sent = 0;
    loop {
        let got = read_some(body, &mut buf[CHUNK_HEAD..CHUNK_HEAD + WRITE_BUFFER])?;
        if got == 0 {
            out.write_all(b"0\r\n\r\n")?;
            return Ok(sent);
        }
        let size = format!("{got:x}\r\n");
        let start = CHUNK_HEAD - size.len();
        buf[start..CHUNK_HEAD].copy_from_slice(size.as_bytes());
        buf[CHUNK_HEAD + got..CHUNK_HEAD + got + 2].copy_from_slice(b"\r\n");
        out.write_all(&buf[start..CHUNK_HEAD + got + 2])?;
        sent += got as u64;
    }
}

fn read_some(body: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match body.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// A body without a length for an HTTP/1.0 caller: read whole (bounded), or a 502 saying why.
fn buffer_for_http10(body: &mut Box<dyn Read + Send>) -> Result<Vec<u8>, Answer> {
    let mut bytes = Vec::new();
    match body
        .take(HTTP10_BUFFER_LIMIT as u64 + 1)
        .read_to_end(&mut bytes)
    {
        Ok(_) if bytes.len() <= HTTP10_BUFFER_LIMIT => Ok(bytes),
        Ok(_) => Err(Answer::problem(
            502,
            "response-too-large-for-http10",
            &format!(
                "the upstream answer has no Content-Length and is larger than {HTTP10_BUFFER_LIMIT} bytes: an HTTP/1.0 caller cannot take it chunked; use HTTP/1.1"
            ),
        )),
        Err(e) => Err(Answer::problem(
            502,
            "upstream-body-failed",
            &format!("reading the upstream answer failed: {}", e.kind()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &[u8], length: Option<usize>) -> Answer {
        Answer {
            status,
            headers: vec![("X-Up".to_owned(), b"1".to_vec())],
            body: Box::new(std::io::Cursor::new(body.to_vec())),
            length,
            expired_token: false,
        }
    }

    const V11: Caller = Caller {
        http10: false,
        head: false,
        closing: false,
    };

    fn sent(caller: Caller, a: Answer) -> (std::io::Result<u64>, String) {
        let mut out = Vec::new();
        let (status, r) = respond(&mut out, caller, a);
        let wire = String::from_utf8_lossy(&out).into_owned();
        assert!(
            wire.starts_with(&format!("HTTP/1.{} {status} ", u8::from(!caller.http10))),
            "{wire}"
        );
        (r, wire)
    }

    #[test]
    fn each_framing_on_the_wire() {
        let (r, wire) = sent(V11, answer(200, b"hello", Some(5)));
        assert_eq!(r.unwrap(), 5);
        assert_eq!(
            wire,
            "HTTP/1.1 200 OK\r\nX-Up: 1\r\nContent-Length: 5\r\n\r\nhello"
        );
        let (r, wire) = sent(V11, answer(200, b"hello", None));
        assert_eq!(r.unwrap(), 5);
        assert_eq!(
            wire,
            "HTTP/1.1 200 OK\r\nX-Up: 1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        );
        let head = Caller { head: true, ..V11 };
        let (_, wire) = sent(head, answer(200, b"hello", Some(5)));
        assert!(wire.ends_with("Content-Length: 5\r\n\r\n"), "{wire}");
        let (_, wire) = sent(V11, answer(204, b"", None));
        assert_eq!(wire, "HTTP/1.1 204 No Content\r\nX-Up: 1\r\n\r\n");
        let (_, wire) = sent(V11, answer(304, b"", Some(9)));
        assert!(wire.ends_with("Content-Length: 9\r\n\r\n"), "{wire}");
    }

    #[test]
    fn http10_callers_get_a_length_or_a_502() {
        let v10 = Caller {
            http10: true,
            head: false,
            closing: true,
        };
        let (r, wire) = sent(v10, answer(200, b"hello", None));
        assert_eq!(r.unwrap(), 5);
        assert_eq!(
            wire,
            "HTTP/1.0 200 OK\r\nX-Up: 1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
        );
        let kept = Caller {
            closing: false,
            ..v10
        };
        let (_, wire) = sent(kept, answer(200, b"hello", Some(5)));
        assert!(wire.contains("Connection: keep-alive\r\n"), "{wire}");
        let big = vec![b'x'; HTTP10_BUFFER_LIMIT + 1];
        let (_, wire) = sent(v10, answer(200, &big, None));
        assert!(wire.starts_with("HTTP/1.0 502 Bad Gateway\r\n"), "{wire}");
        assert!(wire.contains("response-too-large-for-http10"));
    }

    #[test]
    fn a_short_body_is_an_error_not_a_short_answer() {
        let (r, _) = sent(V11, answer(200, b"hel", Some(5)));
        assert_eq!(r.unwrap_err().kind(), std::io::ErrorKind::UnexpectedEof);
        let large = 2 * 1024 * 1024;
        let (r, wire) = sent(V11, answer(200, &vec![b'y'; large - 1], Some(large)));
        assert_eq!(r.unwrap_err().kind(), std::io::ErrorKind::UnexpectedEof);
        assert_eq!(wire.len() - wire.find("\r\n\r\n").unwrap() - 4, large - 1);
    }
}
