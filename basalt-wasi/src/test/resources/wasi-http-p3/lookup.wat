;; A component exporting `lookup: async func(name: string) -> result<list<ip-address>, error-code>` that calls the
;; host's wasi:sockets/ip-name-lookup@0.3.0 `resolve-addresses` (an async function, lowered synchronously: this
;; stackful task waits for the lookup) and returns its answer through task.return.
(component $Lookup
  (import "wasi:sockets/ip-name-lookup@0.3.0" (instance $lookup
    (type $ip-address' (variant (case "ipv4" (tuple u8 u8 u8 u8)) (case "ipv6" (tuple u16 u16 u16 u16 u16 u16 u16 u16))))
    (export "ip-address" (type $ip-address (eq $ip-address')))
    (type $error-code' (variant (case "access-denied") (case "invalid-argument") (case "name-unresolvable")
        (case "temporary-resolver-failure") (case "permanent-resolver-failure") (case "other" (option string))))
    (export "error-code" (type $error-code (eq $error-code')))
    (export "resolve-addresses" (func async (param "name" string)
        (result (result (list $ip-address) (error $error-code)))))
  ))
  (alias export $lookup "ip-address" (type $ip-address))
  (alias export $lookup "error-code" (type $error-code))

  (core module $Mem
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 0x1000))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get 2))))
      (global.set $bump (i32.add (local.get $p) (local.get 3)))
      (if (i32.gt_u (global.get $bump) (i32.const 0x10000)) (then unreachable))
      (local.get $p)))
  (core instance $mem (instantiate $Mem))

  (core func $resolve (canon lower (func $lookup "resolve-addresses") (memory (core memory $mem "mem"))
      (realloc (core func $mem "realloc"))))
  (core func $task.return (canon task.return (result (result (list $ip-address) (error $error-code)))
      (memory (core memory $mem "mem"))))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "resolve" (func $resolve (param i32 i32 i32)))
    (import "" "task.return" (func $task.return (param i32 i32 i32 i32 i32)))
    (func (export "lookup") (param $name i32) (param $len i32)
      ;; result<list<ip-address>, error-code> at 0x100: tag; ok: list (ptr, len) at 4; err: error-code tag at 4,
      ;; its option<string> at 8 (tag, ptr, len)
      (call $resolve (local.get $name) (local.get $len) (i32.const 0x100))
      (if (i32.load8_u (i32.const 0x100))
        (then (call $task.return (i32.const 1) (i32.load8_u (i32.const 0x104)) (i32.load8_u (i32.const 0x108))
            (i32.load (i32.const 0x10c)) (i32.load (i32.const 0x110))))
        (else (call $task.return (i32.const 0) (i32.load (i32.const 0x104)) (i32.load (i32.const 0x108))
            (i32.const 0) (i32.const 0)))))
  )
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "resolve" (func $resolve))
    (export "task.return" (func $task.return))
  ))))
  (func (export "lookup") async (param "name" string) (result (result (list $ip-address) (error $error-code)))
    (canon lift (core func $m "lookup") async (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
)
