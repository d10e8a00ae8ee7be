//! A real `redis-server` on a loopback port for tests: started, pinged, paused (`SIGSTOP`),
//! resumed, killed, restarted on the same port. Never a stand-in: the shared-cache tests of
//! every language talk to this process over a socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` child process, stopped when dropped.
#[derive(Debug)]
pub struct RedisProcess {
    child: Option<Child>,
    port: u16,
}

impl RedisProcess {
    /// Starts `redis-server` (from `PATH`, or `REDIS_SERVER`) on a free loopback port, with
    /// persistence off, and waits until it answers `PING`.
    pub fn start() -> std::io::Result<RedisProcess> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut r = RedisProcess { child: None, port };
        r.spawn()?;
        Ok(r)
    }

    fn spawn(&mut self) -> std::io::Result<()> {
        let exe = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".to_owned());
        let child = Command::new(&exe)
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--protected-mode", "no"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!("cannot start {exe} ({e}); `make test` installs it (Debian: apt-get install redis-server)"),
                )
            })?;
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self
                .command(&["PING"])
                .map(|r| r == "+PONG")
                .unwrap_or(false)
            {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "redis-server did not answer PING within 10 s",
        ))
    }

    /// `redis://127.0.0.1:<port>`
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Sends one command and returns the first line of the reply (`+OK`, `:1`, `$-1`, …),
    /// with a bulk string's value read in full (`$5` → the five bytes, lossily as text).
    pub fn command(&self, args: &[&str]) -> std::io::Result<String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port))?;
        s.set_read_timeout(Some(Duration::from_secs(5)))?;
        let mut req = format!("*{}\r\n", args.len());
        for a in args {
            req.push_str(&format!("${}\r\n{a}\r\n", a.len()));
        }
        s.write_all(req.as_bytes())?;
        let mut reader = BufReader::new(s);
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end().to_owned();
        if let Some(n) = line.strip_prefix('$').and_then(|n| n.parse::<usize>().ok()) {
            let mut body = vec![0; n + 2];
            reader.read_exact(&mut body)?;
            body.truncate(n);
            return Ok(String::from_utf8_lossy(&body).into_owned());
        }
        Ok(line)
    }

    /// Every key and its value (lossy text), read with `SCAN` and `GET`.
    pub fn dump(&self) -> std::io::Result<Vec<(String, String)>> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port))?;
        s.set_read_timeout(Some(Duration::from_secs(5)))?;
        s.write_all(b"*2\r\n$4\r\nKEYS\r\n$1\r\n*\r\n")?;
        let mut reader = BufReader::new(s);
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let n: usize = line.trim_end().trim_start_matches('*').parse().unwrap_or(0);
        let mut keys = Vec::new();
        for _ in 0..n {
            let mut len = String::new();
            reader.read_line(&mut len)?;
            let len: usize = len.trim_end().trim_start_matches('$').parse().unwrap_or(0);
            let mut k = vec![0; len + 2];
            reader.read_exact(&mut k)?;
            k.truncate(len);
            keys.push(String::from_utf8_lossy(&k).into_owned());
        }
        keys.into_iter()
            .map(|k| self.command(&["GET", &k]).map(|v| (k, v)))
            .collect()
    }

    /// Freezes the server (`SIGSTOP`): connections stay open, nothing answers.
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// Lets a paused server go on (`SIGCONT`).
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, sig: &str) {
        if let Some(c) = &self.child {
            let _ = Command::new("kill")
                .args([sig, &c.id().to_string()])
                .status();
        }
    }

    /// Kills the server; `restart` brings a new, empty one up on the same port.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            self.signal_child(&c);
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn signal_child(&self, c: &Child) {
        let _ = Command::new("kill")
            .args(["-CONT", &c.id().to_string()])
            .status();
    }

    /// Starts a new, empty server on the same port.
    pub fn restart(&mut self) -> std::io::Result<()> {
        self.kill();
        self.spawn()
    }
}

impl Drop for RedisProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
