# The thread entry point, as wasi-libc writes it: point __stack_pointer at the thread's own stack (the first field
# of the start argument) before any C code runs, then call the C entry.
	.text
	.globaltype __stack_pointer, i32
	.functype __wasi_thread_start_C (i32, i32) -> ()
	.export_name wasi_thread_start, wasi_thread_start
	.globl wasi_thread_start
	.type wasi_thread_start,@function
wasi_thread_start:
	.functype wasi_thread_start (i32, i32) -> ()
	local.get 1
	i32.load 0
	global.set __stack_pointer
	local.get 0
	local.get 1
	call __wasi_thread_start_C
	end_function
