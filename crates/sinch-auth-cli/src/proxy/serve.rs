//! Listening sockets and the life of one caller connection: read a head, hand the request
//! to the proxy, write its answer, then keep the connection, close it politely (after an
//! answer sent before the body was read) or cut it (when the answer could not be finished).

use super::forward::Answer;
use super::http1::{self, Conn, RequestBody};
use super::respond::{self, Caller};
use std::io::{BufReader, Read};
use std::net::{Shutdown, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// A bound socket.
pub(crate) enum Socket {
    Tcp(std::net::TcpListener),
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixListener, PathBuf),
}

impl Socket {
    pub(crate) fn accept(&self) -> std::io::Result<Conn> {
        match self {
            Socket::Tcp(l) => {
                let (s, _) = l.accept()?;
                // Answers are written head then body: without this, Nagle holds a small body
                // back until the head's ACK comes (a delayed ACK: ~40 ms).
                s.set_nodelay(true)?;
                Ok(Conn::Tcp(s))
            }
            #[cfg(unix)]
            Socket::Unix(l, _) => Ok(Conn::Unix(l.accept()?.0)),
        }
    }

    pub(crate) fn tcp_addr(&self) -> Option<SocketAddr> {
        match self {
            Socket::Tcp(l) => l.local_addr().ok(),
            #[cfg(unix)]
            Socket::Unix(..) => None,
        }
    }

    /// Connects to the socket once so an `accept` blocked on it returns (at shutdown).
    pub(crate) fn wake(&self) {
        match self {
            Socket::Tcp(l) => {
                if let Ok(mut addr) = l.local_addr() {
                    if addr.ip().is_unspecified() {
                        addr.set_ip(match addr {
                            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
                        });
                    }
                    let _ = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1));
                }
            }
            #[cfg(unix)]
            Socket::Unix(_, path) => {
                let _ = std::os::unix::net::UnixStream::connect(path);
            }
        }
    }
}

/// What the proxy does with one request.
pub(crate) trait Handler {
    /// What `answered` needs to know about the request (for the access log).
    type Note;
    /// Reads what it needs of `body`; the answer to send.
    fn handle(&self, head: &http1::Head, body: &mut RequestBody<'_>) -> (Answer, Self::Note);
    /// The answer went out (`sent`: its body bytes) or was cut short (`None`).
    fn answered(&self, note: Self::Note, status: u16, sent: Option<u64>);
    /// A head that cannot be served is about to be answered `status` (a body of `length`).
    fn refused(&self, status: u16, length: Option<u64>);
}

/// Serves `conn` until the caller closes, asks to close, goes idle, or `stopping()`.
pub(crate) fn connection<H: Handler>(conn: Conn, handler: &H, stopping: &dyn Fn() -> bool) {
    let Ok(mut writer) = conn.try_clone() else {
        return;
    };
    let _ = writer.set_write_timeout(http1::IO_TIMEOUT);
    let mut reader = BufReader::with_capacity(64 * 1024, conn);
    loop {
        let _ = reader.get_ref().set_read_timeout(http1::IDLE_TIMEOUT);
        let head = match http1::read_head(&mut reader) {
            Ok(Some(head)) => head,
            Ok(None) => return,
            Err(bad) => {
                let answer = Answer::problem(bad.status, kind(bad.status), bad.message);
                let caller = Caller {
                    http10: false,
                    head: false,
                    closing: true,
                };
                // Counted before it is sent: a caller that has read the answer sees it counted.
                handler.refused(bad.status, answer.length.map(|n| n as u64));
                let _ = respond::respond(&mut writer, caller, answer);
                return linger_close(&mut reader);
            }
        };
        let _ = reader.get_ref().set_read_timeout(http1::IO_TIMEOUT);
        let caller = Caller::of(&head);
        let continue_to = if head.expect_continue && !head.http10 {
            Some(&mut writer)
        } else {
            None
        };
        let mut body = RequestBody::new(&mut reader, head.framing, continue_to);
        let (answer, note) = handler.handle(&head, &mut body);
        let finished = body.finished();
        let caller = Caller {
            closing: caller.closing || !finished || stopping(),
            ..caller
        };
        let (status, sent) = respond::respond(&mut writer, caller, answer);
        handler.answered(note, status, sent.as_ref().ok().copied());
        match sent {
            // The answer was cut short: the caller must see the connection end now.
            Err(_) => return writer.shutdown(Shutdown::Both),
            Ok(_) if caller.closing => return linger_close(&mut reader),
            Ok(_) => {}
        }
    }
}

/// Answers a connection the proxy will not serve (it has too many open) without waiting on
/// the caller: the answer fits the socket's send buffer, what the caller already sent is
/// read without blocking (closing on unread bytes would reset the connection and could
/// drop the answer), then the connection closes.
pub(crate) fn turn_away(mut conn: Conn, answer: Answer) {
    let _ = conn.set_write_timeout(Duration::from_secs(1));
    let caller = Caller {
        http10: false,
        head: false,
        closing: true,
    };
    let _ = respond::respond(&mut conn, caller, answer);
    conn.shutdown(Shutdown::Write);
    if conn.set_nonblocking(true).is_ok() {
        let _ = std::io::copy(&mut (&mut conn).take(64 * 1024), &mut std::io::sink());
    }
}

fn kind(status: u16) -> &'static str {
    match status {
        408 => "request-timeout",
        431 => "request-head-too-large",
        501 => "not-implemented",
        _ => "bad-request",
    }
}

/// Ends our side, then reads (and drops) what the caller still sends for a moment (the staged
/// close of RFC 9112 §9.6): closing with unread bytes resets the connection, and a caller's
/// stack may drop the answer it has not read yet. (Linux hands queued data over before the
/// reset, so the tests on loopback cannot tell this apart from a plain close.)
fn linger_close(reader: &mut BufReader<Conn>) {
    let conn = reader.get_ref();
    conn.shutdown(Shutdown::Write);
    let _ = conn.set_read_timeout(Duration::from_millis(500));
    let _ = std::io::copy(&mut reader.by_ref().take(1 << 20), &mut std::io::sink());
}
