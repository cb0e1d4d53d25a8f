// A static Go program (CGO_ENABLED=0) for tests/first_instruction.rs: goroutines on
// several threads, os.Executable (readlink /proc/self/exe), and an exec of /bin/true.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sync"
)

func main() {
	runtime.GOMAXPROCS(3)
	var wg sync.WaitGroup
	sum := make([]int, 6)
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			x := 0
			for i := 0; i < 2000000; i++ {
				x += i ^ g
			}
			sum[g] = x
		}(g)
	}
	wg.Wait()
	exe, err := os.Executable()
	if err := exec.Command("/bin/true").Run(); err != nil {
		fmt.Println("exec failed:", err)
	}
	fmt.Println("go static", len(sum), exe != "", err == nil)
}
