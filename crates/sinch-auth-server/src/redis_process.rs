//! A real `redis-server` on a loopback port for tests: started, pinged, paused (`SIGSTOP`),
//! resumed, killed, restarted on the same port. Never a stand-in: the shared-cache tests of
//! every language talk to this process over a socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` child process, stopped when dropped.
#[derive(Debug)]
pub struct RedisProcess {
    child: Option<Child>,
    port: u16,
    tls_port: Option<u16>,
    extra: Vec<String>,
}

impl RedisProcess {
    /// Starts `redis-server` (from `PATH`, or `REDIS_SERVER`) on a free loopback port, with
    /// persistence off, and waits until it answers `PING`.
    pub fn start() -> std::io::Result<RedisProcess> {
        Self::start_with(Vec::new(), None)
    }

    /// As [`RedisProcess::start`], also serving TLS on a second loopback port with the PEM
    /// certificate and key given (clients are not asked for certificates). The plain port
    /// stays open for the test's own inspection commands.
    pub fn start_tls(cert: &Path, key: &Path, ca: &Path) -> std::io::Result<RedisProcess> {
        let tls_port = free_port()?;
        let path = |p: &Path| p.to_string_lossy().into_owned();
        let extra = vec![
            "--tls-port".to_owned(),
            tls_port.to_string(),
            "--tls-cert-file".to_owned(),
            path(cert),
            "--tls-key-file".to_owned(),
            path(key),
            "--tls-ca-cert-file".to_owned(),
            path(ca),
            "--tls-auth-clients".to_owned(),
            "no".to_owned(),
        ];
        Self::start_with(extra, Some(tls_port))
    }

    fn start_with(extra: Vec<String>, tls_port: Option<u16>) -> std::io::Result<RedisProcess> {
        let mut r = RedisProcess {
            child: None,
            port: free_port()?,
            tls_port,
            extra,
        };
        r.spawn()?;
        Ok(r)
    }

    fn spawn(&mut self) -> std::io::Result<()> {
        let exe = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".to_owned());
        let child = Command::new(&exe)
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--protected-mode", "no"])
            .args(&self.extra)
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

    /// `rediss://127.0.0.1:<tls port>` when started with [`RedisProcess::start_tls`].
    pub fn tls_url(&self) -> Option<String> {
        self.tls_port.map(|p| format!("rediss://127.0.0.1:{p}"))
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

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A Redis Cluster of `redis-server` processes on loopback, each owning an equal share of
/// the 16,384 slots (no replicas), joined with `CLUSTER MEET`: what `redis-cli --cluster
/// create` does, without needing `redis-cli`.
#[derive(Debug)]
pub struct RedisCluster {
    nodes: Vec<RedisProcess>,
    dir: PathBuf,
}

impl RedisCluster {
    /// Starts `n` nodes and waits until `CLUSTER INFO` says `cluster_state:ok` on each.
    pub fn start(n: usize) -> std::io::Result<RedisCluster> {
        let n = n.max(1);
        let dir = std::env::temp_dir().join(format!(
            "sinch-auth-redis-cluster-{}-{}",
            std::process::id(),
            free_port()?
        ));
        std::fs::create_dir_all(&dir)?;
        let mut nodes = Vec::with_capacity(n);
        for i in 0..n {
            let extra = vec![
                "--cluster-enabled".to_owned(),
                "yes".to_owned(),
                "--cluster-config-file".to_owned(),
                dir.join(format!("nodes-{i}.conf"))
                    .to_string_lossy()
                    .into_owned(),
                "--dir".to_owned(),
                dir.to_string_lossy().into_owned(),
            ];
            nodes.push(RedisProcess::start_with(extra, None)?);
        }
        let cluster = RedisCluster { nodes, dir };
        let per = 16384 / n;
        for (i, node) in cluster.nodes.iter().enumerate() {
            let first = i * per;
            let last = if i + 1 == n { 16383 } else { first + per - 1 };
            node.command(&[
                "CLUSTER",
                "ADDSLOTSRANGE",
                &first.to_string(),
                &last.to_string(),
            ])?;
            if i > 0 {
                let port = cluster.nodes[0].port.to_string();
                node.command(&["CLUSTER", "MEET", "127.0.0.1", &port])?;
            }
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            let ok = cluster.nodes.iter().all(|node| {
                node.command(&["CLUSTER", "INFO"])
                    .map(|info| info.contains("cluster_state:ok"))
                    .unwrap_or(false)
            });
            if ok {
                return Ok(cluster);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "the Redis cluster did not reach cluster_state:ok within 20 s",
        ))
    }

    /// `redis+cluster://127.0.0.1:<p1>,127.0.0.1:<p2>,…`, the form the shared cache takes.
    pub fn url(&self) -> String {
        let nodes: Vec<String> = self
            .nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port))
            .collect();
        format!("redis+cluster://{}", nodes.join(","))
    }

    /// The nodes, for inspection (`command`, `dump`).
    pub fn nodes(&self) -> &[RedisProcess] {
        &self.nodes
    }
}

impl Drop for RedisCluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            node.kill();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
