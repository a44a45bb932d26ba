# t/6099-ct-lib.sh: helpers shared by the ct front-end scripts (t/6xxx).
# Sourced after test-lib.sh. Not a test script itself.

# wait_state NAME STATE: until ct ps says so (5 s at most)
wait_state() {
	for i in $(seq 50); do
		test "$(ct ps -a -f name=$1 --format "{{.State}}")" = "$2" && return 0
		sleep 0.1
	done
	echo "$1 is $(ct ps -a -f name=$1 --format "{{.State}}"), not $2" >&2
	return 1
}
