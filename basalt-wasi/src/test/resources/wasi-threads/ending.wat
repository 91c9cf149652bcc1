;; Ways a wasi-threads program ends from a spawned thread while _start waits forever: the start-arg picks
;; 1 = trap (unreachable), 2 = proc_exit(3), 3 = spin forever (for limits and the main thread's own end),
;; 4 = spawn as many threads as allowed (each spins) and print how many spawns succeeded before one failed.
;; _start reads the mode from the environment-free way: the first byte of argv[1] ('1'..'4').
(module
  (import "env" "memory" (memory 1 1 shared))
  (export "memory" (memory 0))      ;; WASI reads and writes through the exported memory, as wasi-sdk links it
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))

  (func (export "wasi_thread_start") (param $tid i32) (param $mode i32)
    (if (i32.eq (local.get $mode) (i32.const 1)) (then unreachable))
    (if (i32.eq (local.get $mode) (i32.const 2)) (then (call $exit (i32.const 3))))
    (loop $forever (br $forever)))

  (func (export "_start")
    (local $mode i32) (local $n i32)
    ;; argv pointers at 256, strings at 512
    (drop (call $args_sizes (i32.const 128) (i32.const 132)))
    (if (i32.lt_u (i32.load (i32.const 128)) (i32.const 2)) (then (call $exit (i32.const 64))))
    (drop (call $args_get (i32.const 256) (i32.const 512)))
    (local.set $mode (i32.sub (i32.load8_u (i32.load (i32.const 260))) (i32.const 48)))
    (if (i32.eq (local.get $mode) (i32.const 4))
      (then
        (loop $more
          (if (i32.gt_s (call $spawn (i32.const 3)) (i32.const 0))
            (then (local.set $n (i32.add (local.get $n) (i32.const 1))) (br $more))))
        (i32.store8 (i32.const 64) (i32.add (i32.const 48) (local.get $n)))
        (i32.store8 (i32.const 65) (i32.const 10))
        (i32.store (i32.const 16) (i32.const 64))
        (i32.store (i32.const 20) (i32.const 2))
        (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
        (return)))
    (drop (call $spawn (local.get $mode)))
    ;; wait forever (on a word nobody notifies)
    (loop $wait
      (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
      (br $wait))))
