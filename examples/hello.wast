;; A small WAST script: the format of the WebAssembly spec testsuite.
;; Run it with:  ./basalt wast examples/hello.wast

;; A module: parsed, validated, and (with an execution engine) instantiated.
(module $hello
  (memory (export "memory") 1)
  (data (i32.const 16) "Hello, Basalt!")

  ;; the length of the greeting stored at address 16
  (func (export "greeting-length") (result i32)
    (i32.const 14))

  ;; n! by recursion
  (func $fac (export "fac") (param $n i64) (result i64)
    (if (result i64) (i64.le_u (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get $n) (call $fac (i64.sub (local.get $n) (i64.const 1)))))))

  ;; the byte at an address; traps outside memory
  (func (export "byte-at") (param $addr i32) (result i32)
    (i32.load8_u (local.get $addr)))
)

;; Assertions about execution (skipped until an engine exists).
(assert_return (invoke "greeting-length") (i32.const 14))
(assert_return (invoke "fac" (i64.const 20)) (i64.const 2432902008176640000))
(assert_return (invoke "byte-at" (i32.const 16)) (i32.const 72))
(assert_trap (invoke "byte-at" (i32.const 65536)) "out of bounds memory access")

;; Not well-formed: decided by the parsers.
(assert_malformed (module quote "(func (i32.const))") "unexpected token")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")

;; Well-formed but not valid: decided by the validator.
(assert_invalid (module (func (result i32) (i64.const 1))) "type mismatch")
(assert_invalid (module (func (call 7))) "unknown function")
