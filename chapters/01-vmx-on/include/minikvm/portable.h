/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file portable.h
 * @brief The thin layer that lets plain-logic files (the instruction
 * decoder, the guest page-table walker) compile both in the kernel module
 * and in the host's unit tests: the kernel's fixed-size types and errno
 * values, from the kernel's headers or from the C library.
 */
#ifndef MINIKVM_PORTABLE_H
#define MINIKVM_PORTABLE_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef int32_t s32;
typedef int8_t s8;
#endif

#endif
