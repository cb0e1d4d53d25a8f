// Busy goroutines, preempted by SIGURG (Go >= 1.14) within milliseconds; cgo (import "C")
// makes the binary dynamically linked, so it can be traced in-process.
package main

// #include <stdlib.h>
import "C"

import (
	"fmt"
	"runtime"
	"sync"
)

func spin(n int) uint64 {
	var x uint64 = 1
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

func main() {
	C.free(nil)
	runtime.GOMAXPROCS(4)
	var wg sync.WaitGroup
	res := make([]uint64, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			res[g] = spin(30000000 + g)
		}(g)
	}
	wg.Wait()
	var sum uint64
	for _, r := range res {
		sum ^= r
	}
	fmt.Printf("sum=%x\n", sum)
}
