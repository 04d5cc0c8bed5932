//go:build !amd64

package encode

func cpuKernels() []namedKernel { return nil }

func cpuHalfKernels() []namedHalfKernel { return nil }
