//! The caller's side of the proxy: HTTP/1.1 on std sockets (TCP or Unix), one thread per
//! connection, request heads parsed by `httparse` (hyper's parser).
//!
//! Why not a server crate (tiny_http was used first): when an upstream body fails half-way,
//! the caller's connection has to be closed or the caller waits for bytes that never come;
//! tiny_http keeps the socket and waits for the next request (a caller hung until its own
//! timeout, `upstream_failing_mid_body_closes_the_callers_connection` in tests/proxy.rs). It
//! also sent response bodies in 8 KiB writes. The rest is small: keep-alive, `Expect:
//! 100-continue`, Content-Length or chunked request bodies (the decoder is here because
//! chunked_transfer's ends a body at EOF inside a chunk and reads a size line without a
//! bound), and a close whenever the framing is in doubt.

use std::io::{BufRead, Read, Write};
use std::time::Duration;

/// Request heads larger than this are refused (431).
const MAX_HEAD: usize = 64 * 1024;
const MAX_HEADERS: usize = 100;
/// How long a kept-alive connection may wait for its next request.
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest wait for one read or write of a request or answer in progress.
pub(crate) const IO_TIMEOUT: Duration = Duration::from_secs(120);

/// A caller's connection.
pub(crate) enum Conn {
    Tcp(std::net::TcpStream),
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixStream),
}

impl Conn {
    pub(crate) fn try_clone(&self) -> std::io::Result<Conn> {
        Ok(match self {
            Conn::Tcp(s) => Conn::Tcp(s.try_clone()?),
            #[cfg(unix)]
            Conn::Unix(s) => Conn::Unix(s.try_clone()?),
        })
    }

    pub(crate) fn set_read_timeout(&self, t: Duration) -> std::io::Result<()> {
        match self {
            Conn::Tcp(s) => s.set_read_timeout(Some(t)),
            #[cfg(unix)]
            Conn::Unix(s) => s.set_read_timeout(Some(t)),
        }
    }

    pub(crate) fn set_write_timeout(&self, t: Duration) -> std::io::Result<()> {
        match self {
            Conn::Tcp(s) => s.set_write_timeout(Some(t)),
            #[cfg(unix)]
            Conn::Unix(s) => s.set_write_timeout(Some(t)),
        }
    }

    pub(crate) fn set_nonblocking(&self, on: bool) -> std::io::Result<()> {
        match self {
            Conn::Tcp(s) => s.set_nonblocking(on),
            #[cfg(unix)]
            Conn::Unix(s) => s.set_nonblocking(on),
        }
    }

    /// `Both`: the caller sees the connection end at once; `Write`: our side is done.
    pub(crate) fn shutdown(&self, how: std::net::Shutdown) {
        let _ = match self {
            Conn::Tcp(s) => s.shutdown(how),
            #[cfg(unix)]
            Conn::Unix(s) => s.shutdown(how),
        };
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Conn::Tcp(s) => s.read(buf),
            #[cfg(unix)]
            Conn::Unix(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Conn::Tcp(s) => s.write(buf),
            #[cfg(unix)]
            Conn::Unix(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A parsed request head.
pub(crate) struct Head {
    pub(crate) method: String,
    pub(crate) target: String,
    pub(crate) http10: bool,
    /// Names lowercased, values as sent.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) framing: BodyFraming,
    pub(crate) expect_continue: bool,
}

/// Header names only: values may be the caller's credentials or the proxy token; the target
/// without user info or query, as the access log shows it.
impl std::fmt::Debug for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Head")
            .field("method", &self.method)
            .field(
                "path",
                &super::route::without_userinfo(&self.target)
                    .split('?')
                    .next()
                    .unwrap_or(""),
            )
            .field("http10", &self.http10)
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("framing", &self.framing)
            .finish()
    }
}

impl Head {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How the request body is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyFraming {
    Length(u64),
    Chunked,
}

/// A head that cannot be served: answered with `status`, then the connection closes.
#[derive(Debug)]
pub(crate) struct BadHead {
    pub(crate) status: u16,
    pub(crate) message: &'static str,
}

const fn bad(status: u16, message: &'static str) -> BadHead {
    BadHead { status, message }
}

/// Reads the next request head; `Ok(None)` when the caller closed (or went idle) between
/// requests.
pub(crate) fn read_head(r: &mut dyn BufRead) -> Result<Option<Head>, BadHead> {
    let mut raw = Vec::new();
    loop {
        let before = raw.len();
        let n = (&mut *r)
            .take((MAX_HEAD + 1 - raw.len()) as u64)
            .read_until(b'\n', &mut raw);
        match n {
            Ok(0) if raw.is_empty() => return Ok(None),
            Ok(0) => return Err(bad(400, "the request head ended early")),
            Ok(_) => {}
            Err(_) if raw.is_empty() => return Ok(None),
            Err(_) => return Err(bad(408, "the request head did not arrive in time")),
        }
        if raw.len() > MAX_HEAD {
            return Err(bad(431, "the request head is larger than 64 KiB"));
        }
        let line = &raw[before..];
        if line == b"\r\n" || line == b"\n" {
            if before == 0 {
                // Empty lines before a request line are ignored (RFC 9112 §2.2).
                raw.clear();
                continue;
            }
            break;
        }
    }
    parse_head(&raw).map(Some)
}

fn parse_head(raw: &[u8]) -> Result<Head, BadHead> {
    let mut storage = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut storage);
    match req.parse(raw) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(bad(400, "the request head is incomplete")),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(bad(431, "the request has more than 100 headers"))
        }
        Err(_) => return Err(bad(400, "the request head is not HTTP/1.1")),
    }
    let mut headers = Vec::with_capacity(req.headers.len());
    for h in req.headers.iter() {
        let value =
            std::str::from_utf8(h.value).map_err(|_| bad(400, "a header value is not UTF-8"))?;
        headers.push((h.name.to_ascii_lowercase(), value.to_owned()));
    }
    let framing = body_framing(&headers)?;
    let expect_continue = headers
        .iter()
        .any(|(n, v)| n == "expect" && v.eq_ignore_ascii_case("100-continue"));
    Ok(Head {
        method: req.method.unwrap_or_default().to_owned(),
        target: req.path.unwrap_or_default().to_owned(),
        http10: req.version == Some(0),
        headers,
        framing,
        expect_continue,
    })
}

/// RFC 9112 §6: chunked when Transfer-Encoding says so (and nothing else), else
/// Content-Length (all copies equal), else no body. Both at once is refused: a request that
/// two parsers could frame differently is not forwarded.
fn body_framing(headers: &[(String, String)]) -> Result<BodyFraming, BadHead> {
    let mut te = headers.iter().filter(|(n, _)| n == "transfer-encoding");
    let mut lengths = headers
        .iter()
        .filter(|(n, _)| n == "content-length")
        .flat_map(|(_, v)| v.split(','))
        .map(|v| v.trim().parse::<u64>());
    if let Some((_, first)) = te.next() {
        if te.next().is_some() || !first.trim().eq_ignore_ascii_case("chunked") {
            return Err(bad(
                501,
                "only Transfer-Encoding: chunked is supported for request bodies",
            ));
        }
        if lengths.next().is_some() {
            return Err(bad(
                400,
                "the request has both Transfer-Encoding and Content-Length",
            ));
        }
        return Ok(BodyFraming::Chunked);
    }
    let Some(first) = lengths.next() else {
        return Ok(BodyFraming::Length(0));
    };
    let n = first.map_err(|_| bad(400, "Content-Length is not a number"))?;
    if lengths.any(|other| other.ok() != Some(n)) {
        return Err(bad(
            400,
            "the request has conflicting Content-Length values",
        ));
    }
    Ok(BodyFraming::Length(n))
}

/// The request body as the handler reads it: exactly the framed bytes, an error (never a
/// short body) when the caller stops early, `100 Continue` sent before the first read when
/// the caller waits for it.
pub(crate) struct RequestBody<'c> {
    conn: &'c mut dyn BufRead,
    continue_to: Option<&'c mut Conn>,
    state: BodyState,
}

enum BodyState {
    Length(u64),
    /// Inside a chunk, with this many bytes left.
    Chunk(u64),
    /// Before a chunk's size line.
    ChunkStart,
    Done,
}

impl<'c> RequestBody<'c> {
    pub(crate) fn new(
        conn: &'c mut dyn BufRead,
        framing: BodyFraming,
        continue_to: Option<&'c mut Conn>,
    ) -> RequestBody<'c> {
        let state = match framing {
            BodyFraming::Length(0) => BodyState::Done,
            BodyFraming::Length(n) => BodyState::Length(n),
            BodyFraming::Chunked => BodyState::ChunkStart,
        };
        RequestBody {
            conn,
            continue_to,
            state,
        }
    }

    /// Whether every byte of the body was read (else the connection cannot carry another
    /// request).
    pub(crate) fn finished(&self) -> bool {
        matches!(self.state, BodyState::Done)
    }

    fn send_continue(&mut self) -> std::io::Result<()> {
        if let Some(w) = self.continue_to.take() {
            w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        Ok(())
    }

    /// Reads a chunk-size line (extensions ignored), then the trailer section after the
    /// last chunk.
    fn next_chunk(&mut self) -> std::io::Result<()> {
        let line = read_line(self.conn, 1024)?;
        let size = line.split(|b| *b == b';').next().unwrap_or(&[]);
        let size = std::str::from_utf8(size)
            .ok()
            .map(str::trim)
            .filter(|s| !s.is_empty() && s.len() <= 15)
            .and_then(|s| u64::from_str_radix(s, 16).ok())
            .ok_or_else(|| invalid("a chunk size line is not hexadecimal"))?;
        if size > 0 {
            self.state = BodyState::Chunk(size);
            return Ok(());
        }
        // Trailer fields are read and dropped (none is forwarded), up to the empty line.
        let mut trailer = 0;
        loop {
            let line = read_line(self.conn, MAX_HEAD)?;
            if line.is_empty() {
                self.state = BodyState::Done;
                return Ok(());
            }
            trailer += line.len();
            if trailer > MAX_HEAD {
                return Err(invalid("the chunked trailer is larger than 64 KiB"));
            }
        }
    }
}

impl Read for RequestBody<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.send_continue()?;
        loop {
            match self.state {
                BodyState::Done => return Ok(0),
                BodyState::ChunkStart => self.next_chunk()?,
                BodyState::Length(left) | BodyState::Chunk(left) => {
                    let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                    let n = self.conn.read(&mut buf[..want])?;
                    if n == 0 {
                        return Err(std::io::Error::new(
                            std::io::ErrorKind::UnexpectedEof,
                            "the caller closed the connection inside the request body",
                        ));
                    }
                    let left = left - n as u64;
                    self.state = match self.state {
                        BodyState::Length(_) if left == 0 => BodyState::Done,
                        BodyState::Length(_) => BodyState::Length(left),
                        _ if left == 0 => {
                            if read_line(self.conn, 2)? != b"" {
                                return Err(invalid("a chunk does not end with CRLF"));
                            }
                            BodyState::ChunkStart
                        }
                        _ => BodyState::Chunk(left),
                    };
                    return Ok(n);
                }
            }
        }
    }
}

fn invalid(why: &'static str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, why)
}

/// One line without its CRLF (or LF), at most `limit` bytes; EOF is an error.
fn read_line(r: &mut dyn BufRead, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut line = Vec::new();
    (&mut *r)
        .take(limit as u64 + 2)
        .read_until(b'\n', &mut line)?;
    if line.last() != Some(&b'\n') {
        return Err(if line.len() > limit {
            invalid("a line of the chunked body is too long")
        } else {
            std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the caller closed the connection inside the request body",
            )
        });
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn head(raw: &str) -> Result<Head, BadHead> {
        parse_head(raw.as_bytes())
    }

    #[test]
    fn framing_follows_rfc_9112() {
        let h = head("POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\n").unwrap();
        assert_eq!(h.framing, BodyFraming::Length(5));
        let h = head("POST /x HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n").unwrap();
        assert_eq!(h.framing, BodyFraming::Chunked);
        let h = head("GET /x HTTP/1.0\r\n\r\n").unwrap();
        assert_eq!((h.framing, h.http10), (BodyFraming::Length(0), true));
        let h = head("POST /x HTTP/1.1\r\nContent-Length: 7, 7\r\n\r\n").unwrap();
        assert_eq!(h.framing, BodyFraming::Length(7));
        for (raw, status) in [
            ("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400),
            ("POST /x HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400),
            ("POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
            ("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
            ("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 501),
            ("GET /x HTTP/2.0\r\n\r\n", 400),
            ("GET /x HTTP/1.1\r\nBad Header: 1\r\n\r\n", 400),
        ] {
            assert_eq!(head(raw).unwrap_err().status, status, "{raw:?}");
        }
        let h = head("POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n");
        assert!(h.unwrap().expect_continue);
    }

    fn body_of(input: &[u8], framing: BodyFraming) -> (std::io::Result<Vec<u8>>, bool) {
        let mut conn = Cursor::new(input.to_vec());
        let mut body = RequestBody::new(&mut conn, framing, None);
        let mut out = Vec::new();
        let r = body.read_to_end(&mut out).map(|_| out);
        (r, body.finished())
    }

    #[test]
    fn chunked_bodies_decode_and_a_short_one_is_an_error() {
        let (b, done) = body_of(
            b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\nNEXT",
            BodyFraming::Chunked,
        );
        assert_eq!((b.unwrap(), done), (b"hello world".to_vec(), true));
        for broken in [
            &b"5\r\nhel"[..],
            b"5\r\nhelloXX0\r\n\r\n",
            b"zz\r\nhello\r\n0\r\n\r\n",
            b"5\r\nhello\r\n",
            b"10000000000000000\r\n",
        ] {
            let (b, done) = body_of(broken, BodyFraming::Chunked);
            assert!(b.is_err() && !done, "{broken:?}");
        }
        let (b, done) = body_of(b"abc", BodyFraming::Length(5));
        assert_eq!(
            (b.unwrap_err().kind(), done),
            (std::io::ErrorKind::UnexpectedEof, false)
        );
        let (b, done) = body_of(b"abcdeNEXT", BodyFraming::Length(5));
        assert_eq!((b.unwrap(), done), (b"abcde".to_vec(), true));
    }

    /// Hostile bytes (valid requests cut, spliced and flipped, and noise, from a fixed seed):
    /// every outcome is a head or a refusal, a body or an error; never a panic, never more
    /// than the bounds. A body read whole consumed exactly its framing.
    #[test]
    fn hostile_bytes_get_an_answer_not_a_panic() {
        let valid: [&[u8]; 3] = [
            b"POST /numbers.api.sinch.com/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5;x\r\nhello\r\n0\r\nT: 1\r\n\r\n",
            b"PUT /a HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc",
            b"\r\nGET http://numbers.api.sinch.com/x?y=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let base = valid[(next() % 3) as usize];
            let mut input = base.to_vec();
            match next() % 4 {
                0 => input.truncate((next() as usize) % (input.len() + 1)),
                1 => {
                    for _ in 0..1 + next() % 4 {
                        let i = (next() as usize) % input.len();
                        input[i] = next() as u8;
                    }
                }
                2 => {
                    let i = (next() as usize) % input.len();
                    let other = valid[(next() % 3) as usize];
                    let j = (next() as usize) % other.len();
                    input.truncate(i);
                    input.extend_from_slice(&other[j..]);
                }
                _ => input = (0..next() % 200).map(|_| next() as u8).collect(),
            }
            let mut conn = Cursor::new(input.clone());
            let head = match read_head(&mut conn) {
                Ok(Some(h)) => h,
                Ok(None) => continue,
                Err(bad) => {
                    assert!(matches!(bad.status, 400 | 408 | 431 | 501), "{input:?}");
                    continue;
                }
            };
            assert!(head.headers.len() <= MAX_HEADERS);
            let mut body = RequestBody::new(&mut conn, head.framing, None);
            let mut out = Vec::new();
            let read = body.read_to_end(&mut out);
            assert!(out.len() <= input.len(), "{input:?}");
            if read.is_ok() {
                assert!(body.finished(), "{input:?}");
                if let BodyFraming::Length(n) = head.framing {
                    assert_eq!(out.len() as u64, n, "{input:?}");
                }
            }
        }
    }

    #[test]
    fn a_head_never_shows_a_credential() {
        let h = head("GET http://u:pw-secret@numbers.api.sinch.com/v1?key=q-secret HTTP/1.1\r\nAuthorization: Bearer tok-secret\r\nX-Sinch-Proxy-Token: proxy-secret\r\n\r\n").unwrap();
        let shown = format!("{h:?}");
        assert!(shown.contains("x-sinch-proxy-token"), "{shown}");
        for secret in ["pw-secret", "q-secret", "tok-secret", "proxy-secret"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }

    #[test]
    fn heads_are_bounded() {
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_HEAD));
        let mut conn = Cursor::new(long.into_bytes());
        assert_eq!(read_head(&mut conn).unwrap_err().status, 431);
        let mut conn = Cursor::new(b"\r\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n".to_vec());
        let h = read_head(&mut conn).unwrap().unwrap();
        assert_eq!((h.method.as_str(), h.target.as_str()), ("GET", "/a"));
        let mut conn = Cursor::new(Vec::new());
        assert!(read_head(&mut conn).unwrap().is_none());
        let many: String = (0..MAX_HEADERS + 1)
            .map(|i| format!("h{i}: v\r\n"))
            .collect();
        let raw = format!("GET / HTTP/1.1\r\n{many}\r\n");
        assert_eq!(parse_head(raw.as_bytes()).unwrap_err().status, 431);
    }
}
