;; A wasi-threads program: _start spawns one thread per argument's worth (argv[1] as a digit, default 8) ...
;; kept simple: it spawns 8 threads with start-args 1..8; thread k adds k to a shared counter 1000 times with
;; atomic adds, then counts itself done and notifies. _start waits (memory.atomic.wait32) until all 8 are done and
;; prints the counter (36000) and the sum of the thread ids it got (36 when ids are 1..8).
;; Memory: 0 counter, 4 threads done, 8 sum of tids, 16 iovec, 32.. text buffer.
(module
  (import "env" "memory" (memory 1 1 shared))
  (export "memory" (memory 0))      ;; WASI reads and writes through the exported memory, as wasi-sdk links it
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))

  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (local $i i32)
    (loop $add
      (drop (i32.atomic.rmw.add (i32.const 0) (local.get $arg)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $add (i32.lt_u (local.get $i) (i32.const 1000))))
    (drop (i32.atomic.rmw.add (i32.const 4) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 4) (i32.const 1))))

  ;; writes the decimal digits of $n and a newline to stdout
  (func $print (param $n i32)
    (local $p i32)
    (local.set $p (i32.const 63))
    (i32.store8 (local.get $p) (i32.const 10))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digit (local.get $n)))
    (i32.store (i32.const 16) (local.get $p))
    (i32.store (i32.const 20) (i32.sub (i32.const 64) (local.get $p)))
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))

  (func (export "_start")
    (local $k i32) (local $tid i32) (local $done i32)
    (local.set $k (i32.const 1))
    (loop $spawn_all
      (local.set $tid (call $spawn (local.get $k)))
      (if (i32.le_s (local.get $tid) (i32.const 0)) (then (call $exit (i32.const 2))))
      (drop (i32.atomic.rmw.add (i32.const 8) (local.get $tid)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $spawn_all (i32.le_u (local.get $k) (i32.const 8))))
    (loop $wait
      (local.set $done (i32.atomic.load (i32.const 4)))
      (if (i32.lt_u (local.get $done) (i32.const 8))
        (then
          (drop (memory.atomic.wait32 (i32.const 4) (local.get $done) (i64.const -1)))
          (br $wait))))
    (call $print (i32.atomic.load (i32.const 0)))
    (call $print (i32.atomic.load (i32.const 8)))))
