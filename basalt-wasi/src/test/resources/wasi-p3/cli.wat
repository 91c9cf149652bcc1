;; A WASI 0.3 command (exports wasi:cli/run@0.3.0) that uses cli, clocks and filesystem through the component
;; model's async ABI. `run` is lifted `async` without a callback (stackful): its stream and future operations are
;; the synchronous built-ins and its calls of async imports synchronous lowers, which block this task only.
;; It writes to one stdout stream (handed to wasi:cli/stdout.write-via-stream):
;;   "hello <second argument>\n"           (wasi:cli/environment.get-arguments)
;;   after wasi:clocks/monotonic-clock.wait-for(1 ms),
;;   the contents of data.txt in the first preopened directory (open-at, read-via-stream, 7 bytes per read),
;;   "escape: err NN\n" with the error-code case of opening ../secret.txt (or "escape: ALLOWED\n"),
;; then drops the stream, waits for the write's result future and returns ok.
(component $C
  (import "wasi:cli/environment@0.3.0" (instance $env
    (export "get-arguments" (func (result (list string))))))
  (import "wasi:cli/stdout@0.3.0" (instance $stdout
    (type $ec' (enum "io" "illegal-byte-sequence" "pipe"))
    (export "error-code" (type $ec (eq $ec')))
    (export "write-via-stream" (func (param "data" (stream u8)) (result (future (result (error $ec))))))))
  (import "wasi:clocks/monotonic-clock@0.3.0" (instance $mono
    (export "wait-for" (func async (param "how-long" u64)))))
  (import "wasi:filesystem/types@0.3.0" (instance $fs
    (export "descriptor" (type $descriptor (sub resource)))
    (type $ec' (variant (case "access") (case "already") (case "bad-descriptor") (case "busy") (case "deadlock")
      (case "quota") (case "exist") (case "file-too-large") (case "illegal-byte-sequence") (case "in-progress")
      (case "interrupted") (case "invalid") (case "io") (case "is-directory") (case "loop") (case "too-many-links")
      (case "message-size") (case "name-too-long") (case "no-device") (case "no-entry") (case "no-lock")
      (case "insufficient-memory") (case "insufficient-space") (case "not-directory") (case "not-empty")
      (case "not-recoverable") (case "unsupported") (case "no-tty") (case "no-such-device") (case "overflow")
      (case "not-permitted") (case "pipe") (case "read-only") (case "invalid-seek") (case "text-file-busy")
      (case "cross-device") (case "other" (option string))))
    (export "error-code" (type $ec (eq $ec')))
    (type $df' (flags "read" "write" "file-integrity-sync" "data-integrity-sync" "requested-write-sync"
      "mutate-directory"))
    (export "descriptor-flags" (type $df (eq $df')))
    (type $pf' (flags "symlink-follow"))
    (export "path-flags" (type $pf (eq $pf')))
    (type $of' (flags "create" "directory" "exclusive" "truncate"))
    (export "open-flags" (type $of (eq $of')))
    (export "[method]descriptor.open-at" (func async (param "self" (borrow $descriptor)) (param "path-flags" $pf)
      (param "path" string) (param "open-flags" $of) (param "flags" $df) (result (result (own $descriptor) (error $ec)))))
    (export "[method]descriptor.read-via-stream" (func (param "self" (borrow $descriptor)) (param "offset" u64)
      (result (tuple (stream u8) (future (result (error $ec)))))))))
  (alias export $fs "descriptor" (type $descriptor))
  (alias export $fs "error-code" (type $fs-ec))
  (alias export $stdout "error-code" (type $cli-ec))
  (import "wasi:filesystem/preopens@0.3.0" (instance $pre
    (alias outer $C $descriptor (type $d))
    (export "get-directories" (func (result (list (tuple (own $d) string)))))))

  (type $S (stream u8))
  (type $OF (future (result (error $cli-ec))))
  (type $FF (future (result (error $fs-ec))))

  (core module $Mem
    (memory (export "mem") 1)
    (data (i32.const 0x100) "hello ")
    (data (i32.const 0x110) "\n")
    (data (i32.const 0x200) "data.txt")
    (data (i32.const 0x210) "../secret.txt")
    (data (i32.const 0x300) "escape: err ")
    (data (i32.const 0x320) "escape: ALLOWED\n")
    (data (i32.const 0x340) "open failed\n")
    (global $bump (mut i32) (i32.const 0x8000))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get 2))))
      (global.set $bump (i32.add (local.get $p) (local.get 3)))
      (if (i32.gt_u (global.get $bump) (i32.const 0x10000)) (then unreachable))
      (local.get $p)))
  (core instance $mem (instantiate $Mem))

  (core func $get-arguments (canon lower (func $env "get-arguments") (memory (core memory $mem "mem"))
    (realloc (core func $mem "realloc"))))
  (core func $write-via-stream (canon lower (func $stdout "write-via-stream")))
  (core func $wait-for (canon lower (func $mono "wait-for")))
  (core func $get-directories (canon lower (func $pre "get-directories") (memory (core memory $mem "mem"))
    (realloc (core func $mem "realloc"))))
  (core func $open-at (canon lower (func $fs "[method]descriptor.open-at") (memory (core memory $mem "mem"))
    (realloc (core func $mem "realloc"))))
  (core func $read-via-stream (canon lower (func $fs "[method]descriptor.read-via-stream")
    (memory (core memory $mem "mem"))))
  (core func $task.return (canon task.return (result (result))))
  (core func $stream.new (canon stream.new $S))
  (core func $stream.read (canon stream.read $S (memory (core memory $mem "mem"))))
  (core func $stream.write (canon stream.write $S (memory (core memory $mem "mem"))))
  (core func $stream.drop-readable (canon stream.drop-readable $S))
  (core func $stream.drop-writable (canon stream.drop-writable $S))
  (core func $of.read (canon future.read $OF (memory (core memory $mem "mem"))))
  (core func $of.drop-readable (canon future.drop-readable $OF))
  (core func $ff.read (canon future.read $FF (memory (core memory $mem "mem"))))
  (core func $ff.drop-readable (canon future.drop-readable $FF))

  (core module $Main
    (import "" "mem" (memory 1))
    (import "" "get-arguments" (func $get-arguments (param i32)))
    (import "" "write-via-stream" (func $write-via-stream (param i32) (result i32)))
    (import "" "wait-for" (func $wait-for (param i64)))
    (import "" "get-directories" (func $get-directories (param i32)))
    (import "" "open-at" (func $open-at (param i32 i32 i32 i32 i32 i32 i32)))
    (import "" "read-via-stream" (func $read-via-stream (param i32 i64 i32)))
    (import "" "task.return" (func $task.return (param i32)))
    (import "" "stream.new" (func $stream.new (result i64)))
    (import "" "stream.read" (func $stream.read (param i32 i32 i32) (result i32)))
    (import "" "stream.write" (func $stream.write (param i32 i32 i32) (result i32)))
    (import "" "stream.drop-readable" (func $stream.drop-readable (param i32)))
    (import "" "stream.drop-writable" (func $stream.drop-writable (param i32)))
    (import "" "of.read" (func $of.read (param i32 i32) (result i32)))
    (import "" "of.drop-readable" (func $of.drop-readable (param i32)))
    (import "" "ff.read" (func $ff.read (param i32 i32) (result i32)))
    (import "" "ff.drop-readable" (func $ff.drop-readable (param i32)))
    (global $tx (mut i32) (i32.const 0))

    ;; writes len bytes at ptr to stdout, in as many writes as the reader takes
    (func $out (param $ptr i32) (param $len i32)
      (local $r i32) (local $n i32)
      (block $done (loop $more
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $r (call $stream.write (global.get $tx) (local.get $ptr) (local.get $len)))
        (if (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 0)) (then unreachable))
        (local.set $n (i32.shr_u (local.get $r) (i32.const 4)))
        (local.set $ptr (i32.add (local.get $ptr) (local.get $n)))
        (local.set $len (i32.sub (local.get $len) (local.get $n)))
        (br $more))))

    (func (export "run")
      (local $pair i64) (local $outfut i32) (local $list i32) (local $dir i32) (local $fd i32)
      (local $frx i32) (local $ffut i32) (local $r i32) (local $code i32)
      (local.set $pair (call $stream.new))
      (global.set $tx (i32.wrap_i64 (i64.shr_u (local.get $pair) (i64.const 32))))
      (local.set $outfut (call $write-via-stream (i32.wrap_i64 (local.get $pair))))

      ;; hello <args[1]>
      (call $out (i32.const 0x100) (i32.const 6))
      (call $get-arguments (i32.const 0x400))
      (if (i32.ge_u (i32.load (i32.const 0x404)) (i32.const 2)) (then
        (local.set $list (i32.load (i32.const 0x400)))
        (call $out (i32.load offset=8 (local.get $list)) (i32.load offset=12 (local.get $list)))))
      (call $out (i32.const 0x110) (i32.const 1))

      (call $wait-for (i64.const 1000000))

      ;; data.txt of the first preopen, 7 bytes per read
      (call $get-directories (i32.const 0x420))
      (if (i32.eqz (i32.load (i32.const 0x424))) (then unreachable))
      (local.set $dir (i32.load (i32.load (i32.const 0x420))))
      (call $open-at (local.get $dir) (i32.const 0) (i32.const 0x200) (i32.const 8) (i32.const 0)
        (i32.const 1 (; read ;)) (i32.const 0x440))
      (if (i32.load8_u (i32.const 0x440))
        (then (call $out (i32.const 0x340) (i32.const 12)))
        (else
          (local.set $fd (i32.load (i32.const 0x444)))
          (call $read-via-stream (local.get $fd) (i64.const 0) (i32.const 0x460))
          (local.set $frx (i32.load (i32.const 0x460)))
          (local.set $ffut (i32.load (i32.const 0x464)))
          (loop $more
            (local.set $r (call $stream.read (local.get $frx) (i32.const 0x1000) (i32.const 7)))
            (call $out (i32.const 0x1000) (i32.shr_u (local.get $r) (i32.const 4)))
            (br_if $more (i32.eqz (i32.and (local.get $r) (i32.const 0xf)))))
          (call $stream.drop-readable (local.get $frx))
          (if (i32.ne (call $ff.read (local.get $ffut) (i32.const 0x480)) (i32.const 0)) (then unreachable))
          ;; the read's result: ok
          (if (i32.load8_u (i32.const 0x480)) (then unreachable))
          (call $ff.drop-readable (local.get $ffut))))

      ;; ../secret.txt must not open
      (call $open-at (local.get $dir) (i32.const 0) (i32.const 0x210) (i32.const 13) (i32.const 0)
        (i32.const 1) (i32.const 0x440))
      (if (i32.load8_u (i32.const 0x440))
        (then
          (call $out (i32.const 0x300) (i32.const 12))
          (local.set $code (i32.load8_u (i32.const 0x444)))
          (i32.store8 (i32.const 0x4f0) (i32.add (i32.const 48) (i32.div_u (local.get $code) (i32.const 10))))
          (i32.store8 (i32.const 0x4f1) (i32.add (i32.const 48) (i32.rem_u (local.get $code) (i32.const 10))))
          (i32.store8 (i32.const 0x4f2) (i32.const 10))
          (call $out (i32.const 0x4f0) (i32.const 3)))
        (else (call $out (i32.const 0x320) (i32.const 16))))

      ;; end of output: the host's result of writing it
      (call $stream.drop-writable (global.get $tx))
      (if (i32.ne (call $of.read (local.get $outfut) (i32.const 0x490)) (i32.const 0)) (then unreachable))
      (call $of.drop-readable (local.get $outfut))
      (call $task.return (i32.load8_u (i32.const 0x490))))
  )
  (core instance $main (instantiate $Main (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "get-arguments" (func $get-arguments))
    (export "write-via-stream" (func $write-via-stream))
    (export "wait-for" (func $wait-for))
    (export "get-directories" (func $get-directories))
    (export "open-at" (func $open-at))
    (export "read-via-stream" (func $read-via-stream))
    (export "task.return" (func $task.return))
    (export "stream.new" (func $stream.new))
    (export "stream.read" (func $stream.read))
    (export "stream.write" (func $stream.write))
    (export "stream.drop-readable" (func $stream.drop-readable))
    (export "stream.drop-writable" (func $stream.drop-writable))
    (export "of.read" (func $of.read))
    (export "of.drop-readable" (func $of.drop-readable))
    (export "ff.read" (func $ff.read))
    (export "ff.drop-readable" (func $ff.drop-readable))))))
  (func $run async (result (result)) (canon lift (core func $main "run") async))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.3.0" (instance $run-instance))
)
