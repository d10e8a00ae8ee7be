//! `make bench`'s proxy numbers, side by side in one run: the latency a warm `sinch-auth
//! proxy` adds to a keep-alive request (p50, p99 of the per-round differences), and the
//! throughput of 512 MiB down and up through a bearer route next to the same transfer
//! direct and through a bare relay (a process that only copies bytes between two sockets:
//! what any proxy process costs on this machine before it does any HTTP), with the CPU time
//! the proxy and the relay spend per transfer and the proxy's peak RSS growth. It also
//! prints the ceiling the machine's cores put on any proxy that spends the measured CPU: the
//! client and upstream (this process) and the proxy share the cores, so a transfer cannot
//! take less than their CPU seconds over the core count. The
//! upstreams are threads of this program on loopback; tokens come from an in-process local
//! server. Start-up: the time from spawning the proxy to its first `/.sinch-auth/health`
//! answer, and the token requests the starts made (none: the token is fetched lazily).
//! `proxy_bench PATH_TO_SINCH_AUTH` prints one JSON object per line
//! (`proxy_bench relay PORT` is the bare relay, started by the bench itself).

use sinch_auth_server::LocalServer;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SIZE: u64 = 512 * 1024 * 1024;
/// Transfers of each kind; the medians are reported.
const ROUNDS: usize = 3;
/// Proxy starts timed for the start-up figures.
const STARTS: usize = 15;

/// Reads one request head (and a Content-Length body into the sink); false at EOF.
fn read_request(r: &mut BufReader<TcpStream>) -> Option<(String, u64)> {
    let mut first = String::new();
    if r.read_line(&mut first).ok()? == 0 {
        return None;
    }
    let mut length = 0;
    loop {
        let mut l = String::new();
        r.read_line(&mut l).ok()?;
        if let Some(v) = l.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
        if l == "\r\n" || l.is_empty() {
            break;
        }
    }
    let n = std::io::copy(&mut r.take(length), &mut std::io::sink()).ok()?;
    Some((first, n))
}

/// Keep-alive upstream: `GET /small` → 2 bytes, `GET /big` → SIZE bytes, POST → 204.
fn upstream() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = stream.set_nodelay(true);
                let mut r = BufReader::new(stream.try_clone().unwrap());
                let mut w = stream;
                while let Some((line, _)) = read_request(&mut r) {
                    let ok = if line.starts_with("GET") && line.contains("/big") {
                        write!(w, "HTTP/1.1 200 OK\r\nContent-Length: {SIZE}\r\n\r\n").is_ok()
                            && (|| {
                                let block = vec![7u8; 256 * 1024];
                                let mut left = SIZE;
                                while left > 0 {
                                    let n = left.min(block.len() as u64) as usize;
                                    w.write_all(&block[..n]).ok()?;
                                    left -= n as u64;
                                }
                                Some(())
                            })()
                            .is_some()
                    } else if line.starts_with("GET") {
                        w.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
                            .is_ok()
                    } else {
                        w.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").is_ok()
                    };
                    if !ok {
                        return;
                    }
                }
            });
        }
    });
    port
}

/// A keep-alive client: sends `head` (+ a body of `up` bytes), reads the answer fully.
struct Client {
    r: BufReader<TcpStream>,
    w: TcpStream,
}

impl Client {
    fn new(port: u16) -> Client {
        let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_nodelay(true).unwrap();
        Client {
            r: BufReader::new(s.try_clone().unwrap()),
            w: s,
        }
    }

    fn call(&mut self, head: &str, up: u64) -> u64 {
        let len = if up > 0 {
            format!("Content-Length: {up}\r\n")
        } else {
            String::new()
        };
        write!(self.w, "{head}\r\n{len}\r\n").unwrap();
        let block = vec![9u8; 256 * 1024];
        let mut left = up;
        while left > 0 {
            let n = left.min(block.len() as u64) as usize;
            self.w.write_all(&block[..n]).unwrap();
            left -= n as u64;
        }
        let mut status = String::new();
        self.r.read_line(&mut status).unwrap();
        let mut length = 0;
        loop {
            let mut l = String::new();
            self.r.read_line(&mut l).unwrap();
            if let Some(v) = l.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if l == "\r\n" {
                break;
            }
        }
        assert!(status.contains(" 20"), "{status}");
        std::io::copy(&mut (&mut self.r).take(length), &mut std::io::sink()).unwrap()
    }
}

fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// CPU seconds (user + system) the process has used.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// The bare relay: per connection, one thread per direction copying 256 KiB at a time.
fn relay(upstream: u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    println!(
        "relay on 127.0.0.1:{}",
        listener.local_addr().unwrap().port()
    );
    for caller in listener.incoming().flatten() {
        let up = TcpStream::connect(("127.0.0.1", upstream)).unwrap();
        for (mut from, mut to) in [
            (caller.try_clone().unwrap(), up.try_clone().unwrap()),
            (up, caller),
        ] {
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 256 * 1024];
                while let Ok(n @ 1..) = from.read(&mut buf) {
                    if to.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
                let _ = to.shutdown(std::net::Shutdown::Write);
            });
        }
    }
}

/// Starts `exe args`, returns it and the port on the first line it prints.
fn start(mut command: Command) -> (std::process::Child, u16) {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let port = line
        .rsplit(':')
        .next()
        .and_then(|p| p.trim().parse().ok())
        .expect("a port");
    (child, port)
}

/// Spawn to the first health answer, in ms, for each of [`STARTS`] proxies started one after
/// another, and the token requests the local server saw meanwhile.
fn start_up(exe: &str, server: &LocalServer, upstream: u16) -> (Vec<f64>, u64) {
    let before = server.counters().token_requests;
    let mut times = Vec::new();
    for _ in 0..STARTS {
        let t = Instant::now();
        let (mut child, port) = start(proxy_command(exe, server, upstream));
        let mut health = Client::new(port);
        health.call(
            &format!("GET /.sinch-auth/health HTTP/1.1\r\nHost: 127.0.0.1:{port}"),
            0,
        );
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        drop(health);
        drop(child.stdin.take());
        let _ = child.wait_timeout_or_kill();
    }
    (times, server.counters().token_requests - before)
}

/// `sinch-auth proxy` on an ephemeral port, quiet, numbers.api.sinch.com on `upstream`.
fn proxy_command(exe: &str, server: &LocalServer, upstream: u16) -> Command {
    let mut proxy = Command::new(exe);
    proxy
        .args(["proxy", "--port", "0", "--quiet", "--exit-on-stdin-close"])
        .args([
            "--override-host",
            &format!("numbers.api.sinch.com=http://127.0.0.1:{upstream}"),
        ])
        .env_clear()
        .envs(server.env_vars());
    proxy
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let exe = args.next().expect("usage: proxy_bench PATH_TO_SINCH_AUTH");
    if exe == "relay" {
        return relay(
            args.next()
                .and_then(|p| p.parse().ok())
                .expect("relay PORT"),
        );
    }
    let server = LocalServer::start_default().unwrap();
    let up = upstream();
    let (starts, start_tokens) = start_up(&exe, &server, up);
    println!(
        "{{\"name\": \"proxy/start_up\", \"median_ms\": {:.1}, \"max_ms\": {:.1}, \"starts\": {STARTS}, \"token_requests\": {start_tokens}}}",
        median(starts.clone()),
        starts.iter().copied().fold(0.0, f64::max)
    );
    let (mut child, port) = start(proxy_command(&exe, &server, up));
    let mut relay_command = Command::new(std::env::current_exe().unwrap());
    relay_command.args(["relay", &up.to_string()]);
    let (mut relay_child, relay_port) = start(relay_command);
    let host = format!("Host: 127.0.0.1:{port}\r\nX-Sinch-Proxy: 1");
    let via = |path: &str| format!("GET /numbers.api.sinch.com{path} HTTP/1.1\r\n{host}");
    let direct_head = |path: &str| format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{up}");

    // Latency: warm both, then 15 interleaved rounds of 400 calls each way.
    let (mut direct, mut proxied) = (Client::new(up), Client::new(port));
    for _ in 0..200 {
        direct.call(&direct_head("/small"), 0);
        proxied.call(&via("/small"), 0);
    }
    let mut added = Vec::new();
    for _ in 0..15 {
        let mut d = Vec::new();
        let mut p = Vec::new();
        for _ in 0..400 {
            let t = Instant::now();
            direct.call(&direct_head("/small"), 0);
            d.push(t.elapsed().as_secs_f64());
            let t = Instant::now();
            proxied.call(&via("/small"), 0);
            p.push(t.elapsed().as_secs_f64());
        }
        d.sort_by(f64::total_cmp);
        p.sort_by(f64::total_cmp);
        for q in [0.5, 0.99] {
            added.push((q, percentile(&p, q) - percentile(&d, q)));
        }
    }
    for q in [0.5, 0.99] {
        let mut v: Vec<f64> = added
            .iter()
            .filter(|(x, _)| *x == q)
            .map(|(_, a)| *a)
            .collect();
        v.sort_by(f64::total_cmp);
        println!(
            "{{\"name\": \"proxy/added_latency/p{}\", \"ms\": {:.3}}}",
            (q * 100.0) as u32,
            percentile(&v, 0.5) * 1000.0
        );
    }

    // Throughput and memory: 512 MiB down and up, direct, through the bare relay and through
    // the proxy, interleaved, ROUNDS times each.
    let pid = child.id();
    let before = peak_rss_kib(pid);
    let mut relayed = Client::new(relay_port);
    let relay_head = |path: &str| format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{up}");
    let rate = |client: &mut Client, head: &str, upload: bool| {
        let t = Instant::now();
        let n = if upload {
            client.call(&head.replacen("GET", "POST", 1), SIZE);
            SIZE
        } else {
            client.call(head, 0)
        };
        assert_eq!(n, SIZE);
        SIZE as f64 / t.elapsed().as_secs_f64() / (1024.0 * 1024.0)
    };
    let timed = |client: &mut Client, head: &str, upload: bool, pid: u32| {
        let cpu = cpu_seconds(pid);
        let r = rate(client, head, upload);
        (r, cpu_seconds(pid) - cpu)
    };
    let me = std::process::id();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    for (label, upload) in [("down", false), ("up", true)] {
        let (mut d, mut r, mut p, mut r_cpu, mut p_cpu, mut ends_cpu) = (
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
        );
        for _ in 0..ROUNDS {
            d.push(rate(&mut direct, &direct_head("/big"), upload));
            let (rate_r, cpu_r) =
                timed(&mut relayed, &relay_head("/big"), upload, relay_child.id());
            let ends = cpu_seconds(me);
            let (rate_p, cpu_p) = timed(&mut proxied, &via("/big"), upload, pid);
            ends_cpu.push(cpu_seconds(me) - ends);
            r.push(rate_r);
            r_cpu.push(cpu_r);
            p.push(rate_p);
            p_cpu.push(cpu_p);
        }
        let (ends_cpu, p_cpu) = (median(ends_cpu), median(p_cpu));
        let ceiling = (SIZE as f64 / (1024.0 * 1024.0)) * cores / (ends_cpu + p_cpu);
        println!(
            "{{\"name\": \"proxy/throughput/{label}\", \"direct_mib_s\": {:.0}, \"relay_mib_s\": {:.0}, \"proxied_mib_s\": {:.0}, \"relay_cpu_s\": {:.2}, \"proxy_cpu_s\": {:.2}, \"ends_cpu_s\": {:.2}, \"cores\": {cores}, \"ceiling_mib_s\": {:.0}}}",
            median(d),
            median(r),
            median(p),
            median(r_cpu),
            p_cpu,
            ends_cpu,
            ceiling
        );
    }
    println!(
        "{{\"name\": \"proxy/rss_growth\", \"mib\": {:.1}}}",
        peak_rss_kib(pid).saturating_sub(before) as f64 / 1024.0
    );
    drop(child.stdin.take());
    let _ = child.wait_timeout_or_kill();
    let _ = relay_child.kill();
    let _ = relay_child.wait();
}

trait WaitOrKill {
    fn wait_timeout_or_kill(&mut self) -> std::io::Result<()>;
}

impl WaitOrKill for std::process::Child {
    fn wait_timeout_or_kill(&mut self) -> std::io::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if self.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill()
    }
}
