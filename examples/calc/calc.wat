;; The `calc` world of calc.wit as a component in WebAssembly text: the core module calls the host's `double`
;; through a lowered import and its `add-doubled` is lifted to the component export.
(component
  (import "double" (func $double (param "x" u32) (result u32)))
  (core func $double-core (canon lower (func $double)))
  (core instance $host (export "double" (func $double-core)))
  (core module $m
    (import "host" "double" (func $d (param i32) (result i32)))
    (func (export "add-doubled") (param i32 i32) (result i32)
      (i32.add (call $d (local.get 0)) (local.get 1))))
  (core instance $i (instantiate $m (with "host" (instance $host))))
  (func (export "add-doubled") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "add-doubled"))))
