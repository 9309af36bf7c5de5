;; Kernels of the sparse engine (src/runtime/sparse-engine.ts) and of training (compute: kernels), in
;; WebAssembly with 128-bit SIMD. Compiled by scripts/build-wasm.mjs at build time into two builds:
;; sparse-kernels.relaxed.wasm as written, with relaxed SIMD's fused multiply-add, and
;; sparse-kernels.wasm with every (f32x4.relaxed_madd a b c) spelled (f32x4.add (f32x4.mul a b) c);
;; kernels.ts picks one at start-up. Only the matrix products use relaxed_madd: the optimizer steps
;; and the gates compute the same bits in both builds.
;;
;; Layout: every activation is feature-major, [features, lanes] f32, where `lanes` is the batch
;; padded to a multiple of 4 (one v128 holds four batch rows of one feature). All pointers are byte
;; offsets into the one imported memory. A weight matrix is in compressed sparse rows: `rowStart`
;; [rows + 1] i32, `col` [nnz] i32 (input feature index, strictly increasing within a row), `val`
;; [nnz] f32; or, for the `dense` kernel, packed in blocks of eight rows (csr.ts, packDense).
;;
;; Why SIMD over the batch: with unstructured sparsity there is no run of adjacent weights to
;; vectorise, but the batch rows of one input feature are adjacent, so each stored weight is loaded
;; once, splatted, and multiplied into 4 to 16 rows at a time. A dense matrix does have runs, so the
;; products spot one and then share each load across four rows.
(module
  (import "env" "memory" (memory 1))

  ;; Scratch memory for the products' packed panels: `scratchBytes` bytes at `scratch`, both set by
  ;; the KernelArena when it is made (kernels.ts, SCRATCH_BYTES; 0: no scratch, nothing is packed).
  (global $scratch (export "scratch") (mut i32) (i32.const 0))
  (global $scratchBytes (export "scratchBytes") (mut i32) (i32.const 0))

  ;; Whether a product packs panels of `width` bytes per row for `cols` rows in all (x's and y's
  ;; panels together) of activations whose rows are `stride` bytes apart: when there is scratch, the
  ;; panels fit it (and are not empty), and the rows are at least `minStride` bytes apart. There the rows of x (or y) that one pass walks sit at the same
  ;; offset in many pages, so they compete for a few sets of the L1 cache and for the TLB (at 15,360
  ;; lanes every one of them for the same set); packed, they are adjacent.
  (func $packs (param $stride i32) (param $cols i32) (param $width i32) (param $minStride i32) (result i32)
    (i32.and (i32.and (i32.ne (global.get $scratch) (i32.const 0)) (i32.ne (local.get $cols) (i32.const 0)))
      (i32.and (i32.ge_u (local.get $stride) (local.get $minStride))
        (i32.le_u (i32.mul (local.get $cols) (local.get $width)) (global.get $scratchBytes)))))

  ;; 1 + the largest column stored (0 when none): columns increase within a row, so each row's last.
  (func $colsUsed (param $rowStart i32) (param $col i32) (param $rows i32) (result i32)
    (local $r i32) (local $end i32) (local $cols i32)
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $end (i32.load offset=4 (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))))
        (if (i32.gt_u (local.get $end) (i32.load (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))))
          (then
            (local.set $cols (select (local.get $cols)
              (i32.add (i32.load (i32.add (local.get $col) (i32.shl (i32.sub (local.get $end) (i32.const 1)) (i32.const 2)))) (i32.const 1))
              (i32.gt_u (local.get $cols) (i32.load (i32.add (local.get $col) (i32.shl (i32.sub (local.get $end) (i32.const 1)) (i32.const 2)))))))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row)))
    (local.get $cols))

  ;; Copy `rows` rows of `width` bytes (a multiple of 16) from src (rows `srcStride` apart) to dst
  ;; (rows `dstStride` apart).
  (func $copyRows (param $src i32) (param $srcStride i32) (param $dst i32) (param $dstStride i32) (param $rows i32) (param $width i32)
    (local $r i32) (local $o i32)
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $o (i32.const 0))
        (block $rowDone
          (loop $vec
            (br_if $rowDone (i32.ge_u (local.get $o) (local.get $width)))
            (v128.store (i32.add (local.get $dst) (local.get $o)) (v128.load (i32.add (local.get $src) (local.get $o))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $vec)))
        (local.set $src (i32.add (local.get $src) (local.get $srcStride)))
        (local.set $dst (i32.add (local.get $dst) (local.get $dstStride)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; spmm's product one row at a time (for matrices that are not dense), in blocks of up to 128
  ;; lanes: for each block, every row in turn over the block's lanes, sixteen per pass (four
  ;; accumulators per set), then eight, then four for what is left of the last block. Two entries
  ;; are taken per step into two sets of accumulators, so that consecutive multiply-adds do not wait
  ;; on each other; the sets are added at the end of the row (even entries + odd entries). Rows
  ;; outside lane groups inside: a row's entry loop runs with the same trip count for each group of
  ;; its block, which the branch predictor learns, where groups outside rows gave it a new count
  ;; every row (a sparse matrix's rows store different numbers of entries); a block's columns of x
  ;; (128 lanes, 512 bytes a feature) stay in cache across its rows. The per-lane arithmetic is the
  ;; same in every pass and order, so the results do not depend on the blocking. With bias (not 0)
  ;; each row's bias is added as it is stored, and with relu (not 0) the ReLU applied, the
  ;; operations addBias and relu would do after it (for spmmBias).
  (func $spmmRows
    (param $rowStart i32) (param $col i32) (param $val i32) (param $rows i32)
    (param $x i32) (param $y i32) (param $lanes i32) (param $bias i32) (param $relu i32)
    (local $stride i32) (local $b0 i32) (local $bEnd i32) (local $g i32) (local $rp i32) (local $rEnd i32) (local $yRow i32)
    (local $k0 i32) (local $k i32) (local $end i32)
    (local $xg i32) (local $xp0 i32) (local $xp1 i32) (local $yp i32) (local $w0 v128) (local $w1 v128)
    (local $a00 v128) (local $a01 v128) (local $a02 v128) (local $a03 v128)
    (local $a10 v128) (local $a11 v128) (local $a12 v128) (local $a13 v128) (local $bv v128) (local $t v128)
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    (local.set $rEnd (i32.add (local.get $rowStart) (i32.shl (local.get $rows) (i32.const 2))))
    (block $blocksDone
      (loop $block
        (br_if $blocksDone (i32.ge_u (local.get $b0) (local.get $lanes)))
        (local.set $bEnd (select (local.get $lanes) (i32.add (local.get $b0) (i32.const 128)) (i32.lt_u (local.get $lanes) (i32.add (local.get $b0) (i32.const 128)))))
        (local.set $rp (local.get $rowStart))
        (local.set $yRow (local.get $y))
        (block $rowsDone
          (loop $row
            (br_if $rowsDone (i32.ge_u (local.get $rp) (local.get $rEnd)))
            (local.set $k0 (i32.shl (i32.load (local.get $rp)) (i32.const 2)))
            (local.set $end (i32.shl (i32.load offset=4 (local.get $rp)) (i32.const 2)))
            (local.set $g (local.get $b0))
            (if (local.get $bias)
              (then (local.set $bv (v128.load32_splat (i32.add (local.get $bias) (i32.sub (local.get $rp) (local.get $rowStart)))))))
            ;; --- 16 lanes per pass
            (block $pass16
              (loop $groups16
                (br_if $pass16 (i32.gt_u (i32.add (local.get $g) (i32.const 16)) (local.get $bEnd)))
                (local.set $yp (i32.add (local.get $yRow) (i32.shl (local.get $g) (i32.const 2))))
                (local.set $xg (i32.add (local.get $x) (i32.shl (local.get $g) (i32.const 2))))
                (local.set $a00 (v128.const i32x4 0 0 0 0))
                (local.set $a10 (v128.const i32x4 0 0 0 0))
                (local.set $a01 (v128.const i32x4 0 0 0 0))
                (local.set $a11 (v128.const i32x4 0 0 0 0))
                (local.set $a02 (v128.const i32x4 0 0 0 0))
                (local.set $a12 (v128.const i32x4 0 0 0 0))
                (local.set $a03 (v128.const i32x4 0 0 0 0))
                (local.set $a13 (v128.const i32x4 0 0 0 0))
                (local.set $k (local.get $k0))
                ;; two entries per step into two sets of accumulators (independent chains)
                (block $pairsDone16
                  (loop $pair16
                    (br_if $pairsDone16 (i32.gt_u (i32.add (local.get $k) (i32.const 8)) (local.get $end)))
                    (local.set $w0 (v128.load32_splat (i32.add (local.get $val) (local.get $k))))
                    (local.set $w1 (v128.load32_splat offset=4 (i32.add (local.get $val) (local.get $k))))
                    (local.set $xp0 (i32.add (local.get $xg) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
                    (local.set $xp1 (i32.add (local.get $xg) (i32.mul (i32.load offset=4 (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
                    (local.set $a00 (f32x4.relaxed_madd (local.get $w0) (v128.load (local.get $xp0)) (local.get $a00)))
                    (local.set $a01 (f32x4.relaxed_madd (local.get $w0) (v128.load offset=16 (local.get $xp0)) (local.get $a01)))
                    (local.set $a02 (f32x4.relaxed_madd (local.get $w0) (v128.load offset=32 (local.get $xp0)) (local.get $a02)))
                    (local.set $a03 (f32x4.relaxed_madd (local.get $w0) (v128.load offset=48 (local.get $xp0)) (local.get $a03)))
                    (local.set $a10 (f32x4.relaxed_madd (local.get $w1) (v128.load (local.get $xp1)) (local.get $a10)))
                    (local.set $a11 (f32x4.relaxed_madd (local.get $w1) (v128.load offset=16 (local.get $xp1)) (local.get $a11)))
                    (local.set $a12 (f32x4.relaxed_madd (local.get $w1) (v128.load offset=32 (local.get $xp1)) (local.get $a12)))
                    (local.set $a13 (f32x4.relaxed_madd (local.get $w1) (v128.load offset=48 (local.get $xp1)) (local.get $a13)))
                    (local.set $k (i32.add (local.get $k) (i32.const 8)))
                    (br $pair16)))
                (if (i32.lt_u (local.get $k) (local.get $end))
                  (then
                    (local.set $w0 (v128.load32_splat (i32.add (local.get $val) (local.get $k))))
                    (local.set $xp0 (i32.add (local.get $xg) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
                    (local.set $a00 (f32x4.relaxed_madd (local.get $w0) (v128.load (local.get $xp0)) (local.get $a00)))
                    (local.set $a01 (f32x4.relaxed_madd (local.get $w0) (v128.load offset=16 (local.get $xp0)) (local.get $a01)))
                    (local.set $a02 (f32x4.relaxed_madd (local.get $w0) (v128.load offset=32 (local.get $xp0)) (local.get $a02)))
                    (local.set $a03 (f32x4.relaxed_madd (local.get $w0) (v128.load offset=48 (local.get $xp0)) (local.get $a03)))))
                ;; y = a0 + a1, then + bias, then relu (each as addBias and relu compute them)
                (if (local.get $bias)
                  (then (if (local.get $relu) (then (v128.store (local.get $yp) (v128.bitselect (v128.const i32x4 0 0 0 0) (local.tee $t (f32x4.add (f32x4.add (local.get $a00) (local.get $a10)) (local.get $bv))) (f32x4.lt (local.get $t) (v128.const f32x4 0 0 0 0)))) (v128.store offset=16 (local.get $yp) (v128.bitselect (v128.const i32x4 0 0 0 0) (local.tee $t (f32x4.add (f32x4.add (local.get $a01) (local.get $a11)) (local.get $bv))) (f32x4.lt (local.get $t) (v128.const f32x4 0 0 0 0)))) (v128.store offset=32 (local.get $yp) (v128.bitselect (v128.const i32x4 0 0 0 0) (local.tee $t (f32x4.add (f32x4.add (local.get $a02) (local.get $a12)) (local.get $bv))) (f32x4.lt (local.get $t) (v128.const f32x4 0 0 0 0)))) (v128.store offset=48 (local.get $yp) (v128.bitselect (v128.const i32x4 0 0 0 0) (local.tee $t (f32x4.add (f32x4.add (local.get $a03) (local.get $a13)) (local.get $bv))) (f32x4.lt (local.get $t) (v128.const f32x4 0 0 0 0))))) (else (v128.store (local.get $yp) (f32x4.add (f32x4.add (local.get $a00) (local.get $a10)) (local.get $bv))) (v128.store offset=16 (local.get $yp) (f32x4.add (f32x4.add (local.get $a01) (local.get $a11)) (local.get $bv))) (v128.store offset=32 (local.get $yp) (f32x4.add (f32x4.add (local.get $a02) (local.get $a12)) (local.get $bv))) (v128.store offset=48 (local.get $yp) (f32x4.add (f32x4.add (local.get $a03) (local.get $a13)) (local.get $bv))))))
                  (else (if (local.get $relu) (then (v128.store (local.get $yp) (v128.bitselect (v128.const i32x4 0 0 0 0) (local.tee $t (f32x4.add (local.get $a00) (local.get $a10))) (f32x4.lt (local.get $t) (v128.const f32x4 0 0 0 0)))) (v128.store offset=16 (local.get $yp) (v128.bitselect (v128.const i32x4 0 0 0 0) (local.tee $t (f32x4.add (local.get $a01) (local.get $a11))) (f32x4.lt (local.get $t) (v128.const f32x4 0 0 0 0)))) (v128.store offset=32 (local.get $yp) (v128.bitselect (v128.const i32x4 0 0 0 0) (local.tee $t (f32x4.add (local.get $a02) (local.get $a12))) (f32x4.lt (local.get $t) (v128.const f32x4 0 0 0 0)))) (v128.store offset=48 (local.get $yp) (v128.bitselect (v128.const i32x4 0 0 0 0) (local.tee $t (f32x4.add (local.get $a03) (local.get $a13))) (f32x4.lt (local.get $t) (v128.const f32x4 0 0 0 0))))) (else (v128.store (local.get $yp) (f32x4.add (local.get $a00) (local.get $a10))) (v128.store offset=16 (local.get $yp) (f32x4.add (local.get $a01) (local.get $a11))) (v128.store offset=32 (local.get $yp) (f32x4.add (local.get $a02) (local.get $a12))) (v128.store offset=48 (local.get $yp) (f32x4.add (local.get $a03) (local.get $a13)))))))
                (local.set $g (i32.add (local.get $g) (i32.const 16)))
                (br $groups16)))
            ;; --- 8 lanes, then 4 (only the last block has them)
            (if (i32.le_u (i32.add (local.get $g) (i32.const 8)) (local.get $bEnd))
              (then
                (local.set $yp (i32.add (local.get $yRow) (i32.shl (local.get $g) (i32.const 2))))
                (local.set $xg (i32.add (local.get $x) (i32.shl (local.get $g) (i32.const 2))))
                (local.set $a00 (v128.const i32x4 0 0 0 0))
                (local.set $a10 (v128.const i32x4 0 0 0 0))
                (local.set $a01 (v128.const i32x4 0 0 0 0))
                (local.set $a11 (v128.const i32x4 0 0 0 0))
                (local.set $k (local.get $k0))
                ;; two entries per step into two sets of accumulators (independent chains)
                (block $pairsDone8
                  (loop $pair8
                    (br_if $pairsDone8 (i32.gt_u (i32.add (local.get $k) (i32.const 8)) (local.get $end)))
                    (local.set $w0 (v128.load32_splat (i32.add (local.get $val) (local.get $k))))
                    (local.set $w1 (v128.load32_splat offset=4 (i32.add (local.get $val) (local.get $k))))
                    (local.set $xp0 (i32.add (local.get $xg) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
                    (local.set $xp1 (i32.add (local.get $xg) (i32.mul (i32.load offset=4 (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
                    (local.set $a00 (f32x4.relaxed_madd (local.get $w0) (v128.load (local.get $xp0)) (local.get $a00)))
                    (local.set $a01 (f32x4.relaxed_madd (local.get $w0) (v128.load offset=16 (local.get $xp0)) (local.get $a01)))
                    (local.set $a10 (f32x4.relaxed_madd (local.get $w1) (v128.load (local.get $xp1)) (local.get $a10)))
                    (local.set $a11 (f32x4.relaxed_madd (local.get $w1) (v128.load offset=16 (local.get $xp1)) (local.get $a11)))
                    (local.set $k (i32.add (local.get $k) (i32.const 8)))
                    (br $pair8)))
                (if (i32.lt_u (local.get $k) (local.get $end))
                  (then
                    (local.set $w0 (v128.load32_splat (i32.add (local.get $val) (local.get $k))))
                    (local.set $xp0 (i32.add (local.get $xg) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
                    (local.set $a00 (f32x4.relaxed_madd (local.get $w0) (v128.load (local.get $xp0)) (local.get $a00)))
                    (local.set $a01 (f32x4.relaxed_madd (local.get $w0) (v128.load offset=16 (local.get $xp0)) (local.get $a01)))))
                ;; y = a0 + a1, then + bias, then relu (each as addBias and relu compute them)
                (if (local.get $bias)
                  (then (if (local.get $relu) (then (v128.store (local.get $yp) (v128.bitselect (v128.const i32x4 0 0 0 0) (local.tee $t (f32x4.add (f32x4.add (local.get $a00) (local.get $a10)) (local.get $bv))) (f32x4.lt (local.get $t) (v128.const f32x4 0 0 0 0)))) (v128.store offset=16 (local.get $yp) (v128.bitselect (v128.const i32x4 0 0 0 0) (local.tee $t (f32x4.add (f32x4.add (local.get $a01) (local.get $a11)) (local.get $bv))) (f32x4.lt (local.get $t) (v128.const f32x4 0 0 0 0))))) (else (v128.store (local.get $yp) (f32x4.add (f32x4.add (local.get $a00) (local.get $a10)) (local.get $bv))) (v128.store offset=16 (local.get $yp) (f32x4.add (f32x4.add (local.get $a01) (local.get $a11)) (local.get $bv))))))
                  (else (if (local.get $relu) (then (v128.store (local.get $yp) (v128.bitselect (v128.const i32x4 0 0 0 0) (local.tee $t (f32x4.add (local.get $a00) (local.get $a10))) (f32x4.lt (local.get $t) (v128.const f32x4 0 0 0 0)))) (v128.store offset=16 (local.get $yp) (v128.bitselect (v128.const i32x4 0 0 0 0) (local.tee $t (f32x4.add (local.get $a01) (local.get $a11))) (f32x4.lt (local.get $t) (v128.const f32x4 0 0 0 0))))) (else (v128.store (local.get $yp) (f32x4.add (local.get $a00) (local.get $a10))) (v128.store offset=16 (local.get $yp) (f32x4.add (local.get $a01) (local.get $a11)))))))
                (local.set $g (i32.add (local.get $g) (i32.const 8)))))
            (if (i32.le_u (i32.add (local.get $g) (i32.const 4)) (local.get $bEnd))
              (then
                (local.set $yp (i32.add (local.get $yRow) (i32.shl (local.get $g) (i32.const 2))))
                (local.set $xg (i32.add (local.get $x) (i32.shl (local.get $g) (i32.const 2))))
                (local.set $a00 (v128.const i32x4 0 0 0 0))
                (local.set $a10 (v128.const i32x4 0 0 0 0))
                (local.set $k (local.get $k0))
                ;; two entries per step into two sets of accumulators (independent chains)
                (block $pairsDone4
                  (loop $pair4
                    (br_if $pairsDone4 (i32.gt_u (i32.add (local.get $k) (i32.const 8)) (local.get $end)))
                    (local.set $w0 (v128.load32_splat (i32.add (local.get $val) (local.get $k))))
                    (local.set $w1 (v128.load32_splat offset=4 (i32.add (local.get $val) (local.get $k))))
                    (local.set $xp0 (i32.add (local.get $xg) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
                    (local.set $xp1 (i32.add (local.get $xg) (i32.mul (i32.load offset=4 (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
                    (local.set $a00 (f32x4.relaxed_madd (local.get $w0) (v128.load (local.get $xp0)) (local.get $a00)))
                    (local.set $a10 (f32x4.relaxed_madd (local.get $w1) (v128.load (local.get $xp1)) (local.get $a10)))
                    (local.set $k (i32.add (local.get $k) (i32.const 8)))
                    (br $pair4)))
                (if (i32.lt_u (local.get $k) (local.get $end))
                  (then
                    (local.set $w0 (v128.load32_splat (i32.add (local.get $val) (local.get $k))))
                    (local.set $xp0 (i32.add (local.get $xg) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
                    (local.set $a00 (f32x4.relaxed_madd (local.get $w0) (v128.load (local.get $xp0)) (local.get $a00)))))
                ;; y = a0 + a1, then + bias, then relu (each as addBias and relu compute them)
                (if (local.get $bias)
                  (then (if (local.get $relu) (then (v128.store (local.get $yp) (v128.bitselect (v128.const i32x4 0 0 0 0) (local.tee $t (f32x4.add (f32x4.add (local.get $a00) (local.get $a10)) (local.get $bv))) (f32x4.lt (local.get $t) (v128.const f32x4 0 0 0 0))))) (else (v128.store (local.get $yp) (f32x4.add (f32x4.add (local.get $a00) (local.get $a10)) (local.get $bv))))))
                  (else (if (local.get $relu) (then (v128.store (local.get $yp) (v128.bitselect (v128.const i32x4 0 0 0 0) (local.tee $t (f32x4.add (local.get $a00) (local.get $a10))) (f32x4.lt (local.get $t) (v128.const f32x4 0 0 0 0))))) (else (v128.store (local.get $yp) (f32x4.add (local.get $a00) (local.get $a10)))))))))
            (local.set $yRow (i32.add (local.get $yRow) (local.get $stride)))
            (local.set $rp (i32.add (local.get $rp) (i32.const 4)))
            (br $row)))
        (local.set $b0 (local.get $bEnd))
        (br $block))))

  ;; spmm for exactly 8 lanes (batches of 5 to 8 rows), over `off`: each stored entry's input
  ;; feature as the byte offset of its row of x (col × 32), which the sparse engine keeps beside
  ;; `col`, so that no multiply by the stride is left in the loop (about a tenth of its
  ;; instructions). The same pairing and order as spmm's 8-lane pass, so the same bits as spmm on a
  ;; matrix it computes row by row.
  (func (export "spmm8")
    (param $rowStart i32) (param $off i32) (param $val i32) (param $rows i32) (param $x i32) (param $y i32)
    (local $rp i32) (local $rEnd i32) (local $k i32) (local $end i32) (local $xp0 i32) (local $xp1 i32) (local $w0 v128) (local $w1 v128)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local.set $rp (local.get $rowStart))
    (local.set $rEnd (i32.add (local.get $rowStart) (i32.shl (local.get $rows) (i32.const 2))))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $rp) (local.get $rEnd)))
        (local.set $a00 (v128.const i32x4 0 0 0 0))
        (local.set $a01 (v128.const i32x4 0 0 0 0))
        (local.set $a10 (v128.const i32x4 0 0 0 0))
        (local.set $a11 (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.shl (i32.load (local.get $rp)) (i32.const 2)))
        (local.set $end (i32.shl (i32.load offset=4 (local.get $rp)) (i32.const 2)))
        ;; two entries per step into two sets of accumulators (independent chains)
        (block $pairsDone
          (loop $pair
            (br_if $pairsDone (i32.gt_u (i32.add (local.get $k) (i32.const 8)) (local.get $end)))
            (local.set $w0 (v128.load32_splat (i32.add (local.get $val) (local.get $k))))
            (local.set $w1 (v128.load32_splat offset=4 (i32.add (local.get $val) (local.get $k))))
            (local.set $xp0 (i32.add (local.get $x) (i32.load (i32.add (local.get $off) (local.get $k)))))
            (local.set $xp1 (i32.add (local.get $x) (i32.load offset=4 (i32.add (local.get $off) (local.get $k)))))
            (local.set $a00 (f32x4.relaxed_madd (local.get $w0) (v128.load (local.get $xp0)) (local.get $a00)))
            (local.set $a01 (f32x4.relaxed_madd (local.get $w0) (v128.load offset=16 (local.get $xp0)) (local.get $a01)))
            (local.set $a10 (f32x4.relaxed_madd (local.get $w1) (v128.load (local.get $xp1)) (local.get $a10)))
            (local.set $a11 (f32x4.relaxed_madd (local.get $w1) (v128.load offset=16 (local.get $xp1)) (local.get $a11)))
            (local.set $k (i32.add (local.get $k) (i32.const 8)))
            (br $pair)))
        (if (i32.lt_u (local.get $k) (local.get $end))
          (then
            (local.set $w0 (v128.load32_splat (i32.add (local.get $val) (local.get $k))))
            (local.set $xp0 (i32.add (local.get $x) (i32.load (i32.add (local.get $off) (local.get $k)))))
            (local.set $a00 (f32x4.relaxed_madd (local.get $w0) (v128.load (local.get $xp0)) (local.get $a00)))
            (local.set $a01 (f32x4.relaxed_madd (local.get $w0) (v128.load offset=16 (local.get $xp0)) (local.get $a01)))))
        (v128.store (local.get $y) (f32x4.add (local.get $a00) (local.get $a10)))
        (v128.store offset=16 (local.get $y) (f32x4.add (local.get $a01) (local.get $a11)))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (local.set $rp (i32.add (local.get $rp) (i32.const 4)))
        (br $row))))

  ;; spmm for exactly 4 lanes (batches of 1 to 4 rows), as spmm8 with off = col × 16; the same
  ;; bits as spmm's 4-lane pass.
  (func (export "spmm4")
    (param $rowStart i32) (param $off i32) (param $val i32) (param $rows i32) (param $x i32) (param $y i32)
    (local $rp i32) (local $rEnd i32) (local $k i32) (local $end i32) (local $xp0 i32) (local $xp1 i32) (local $w0 v128) (local $w1 v128)
    (local $a00 v128) (local $a10 v128)
    (local.set $rp (local.get $rowStart))
    (local.set $rEnd (i32.add (local.get $rowStart) (i32.shl (local.get $rows) (i32.const 2))))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $rp) (local.get $rEnd)))
        (local.set $a00 (v128.const i32x4 0 0 0 0))
        (local.set $a10 (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.shl (i32.load (local.get $rp)) (i32.const 2)))
        (local.set $end (i32.shl (i32.load offset=4 (local.get $rp)) (i32.const 2)))
        ;; two entries per step into two sets of accumulators (independent chains)
        (block $pairsDone
          (loop $pair
            (br_if $pairsDone (i32.gt_u (i32.add (local.get $k) (i32.const 8)) (local.get $end)))
            (local.set $w0 (v128.load32_splat (i32.add (local.get $val) (local.get $k))))
            (local.set $w1 (v128.load32_splat offset=4 (i32.add (local.get $val) (local.get $k))))
            (local.set $xp0 (i32.add (local.get $x) (i32.load (i32.add (local.get $off) (local.get $k)))))
            (local.set $xp1 (i32.add (local.get $x) (i32.load offset=4 (i32.add (local.get $off) (local.get $k)))))
            (local.set $a00 (f32x4.relaxed_madd (local.get $w0) (v128.load (local.get $xp0)) (local.get $a00)))
            (local.set $a10 (f32x4.relaxed_madd (local.get $w1) (v128.load (local.get $xp1)) (local.get $a10)))
            (local.set $k (i32.add (local.get $k) (i32.const 8)))
            (br $pair)))
        (if (i32.lt_u (local.get $k) (local.get $end))
          (then
            (local.set $w0 (v128.load32_splat (i32.add (local.get $val) (local.get $k))))
            (local.set $xp0 (i32.add (local.get $x) (i32.load (i32.add (local.get $off) (local.get $k)))))
            (local.set $a00 (f32x4.relaxed_madd (local.get $w0) (v128.load (local.get $xp0)) (local.get $a00)))))
        (v128.store (local.get $y) (f32x4.add (local.get $a00) (local.get $a10)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $rp (i32.add (local.get $rp) (i32.const 4)))
        (br $row))))

  ;; The length of the run of columns that rows r..r+3 all store, when they store the same run of
  ;; consecutive columns (as every block of a dense matrix does), else 0. Columns strictly increase
  ;; within a row (canonical CSR, as csr.ts and weights.ts build it), so equal first and last columns
  ;; and equal counts with last − first = count − 1 mean the same columns.
  (func $sameRun (param $rowStart i32) (param $col i32) (param $r i32) (result i32)
    (local $p i32) (local $k i32) (local $n i32) (local $first i32) (local $last i32) (local $i i32)
    (local.set $p (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2))))
    (local.set $k (i32.load (local.get $p)))
    (local.set $n (i32.sub (i32.load offset=4 (local.get $p)) (local.get $k)))
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    (local.set $first (i32.load (i32.add (local.get $col) (i32.shl (local.get $k) (i32.const 2)))))
    (local.set $last (i32.add (local.get $first) (i32.sub (local.get $n) (i32.const 1))))
    (local.set $i (i32.const 0))
    (block $mismatch
      (loop $rows
        (if (i32.ne (i32.sub (i32.load offset=4 (local.get $p)) (i32.load (local.get $p))) (local.get $n)) (then (br $mismatch)))
        (local.set $k (i32.shl (i32.load (local.get $p)) (i32.const 2)))
        (if (i32.ne (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $first)) (then (br $mismatch)))
        (if (i32.ne (i32.load (i32.add (local.get $col) (i32.add (local.get $k) (i32.shl (i32.sub (local.get $n) (i32.const 1)) (i32.const 2))))) (local.get $last)) (then (br $mismatch)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $i) (i32.const 4))))
      (return (local.get $n)))
    (i32.const 0))

  ;; 1 when every whole block of four rows (rows 4i..4i+3) stores one run of consecutive columns
  ;; (see $sameRun), as in a dense matrix; else 0, usually found at the first block.
  (func $sameRuns (param $rowStart i32) (param $col i32) (param $rows i32) (result i32)
    (local $r i32)
    (block $done
      (loop $block
        (br_if $done (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $rows)))
        (if (i32.eqz (call $sameRun (local.get $rowStart) (local.get $col) (local.get $r))) (then (return (i32.const 0))))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $block)))
    (i32.const 1))

  ;; spmmBias: y = spmm(x) + bias (one float per row), then the ReLU when relu is not 0: the bits of
  ;; spmm, addBias and relu in turn. A matrix that is not dense adds the bias and applies the ReLU as
  ;; each row is stored ($spmmRows), one pass instead of three; a dense one runs the three kernels.
  (func (export "spmmBias")
    (param $rowStart i32) (param $col i32) (param $val i32) (param $rows i32)
    (param $x i32) (param $y i32) (param $lanes i32) (param $bias i32) (param $relu i32)
    (if (call $sameRuns (local.get $rowStart) (local.get $col) (local.get $rows))
      (then
        (call $spmm (local.get $rowStart) (local.get $col) (local.get $val) (local.get $rows) (local.get $x) (local.get $y) (local.get $lanes))
        (call $addBias (local.get $y) (local.get $bias) (local.get $y) (local.get $rows) (local.get $lanes))
        (if (local.get $relu) (then (call $relu (local.get $y) (local.get $y) (i32.mul (local.get $rows) (local.get $lanes))))))
      (else
        (call $spmmRows (local.get $rowStart) (local.get $col) (local.get $val) (local.get $rows) (local.get $x) (local.get $y) (local.get $lanes) (local.get $bias) (local.get $relu)))))

  ;; spmm's product for a matrix whose every block of four rows stores one run of consecutive
  ;; columns (see $sameRuns), eight lanes per pass, then four for what is left: the blocks four rows
  ;; at a time, eight accumulators (4 rows × 8 lanes) in locals, each load of x used for the four
  ;; rows, no column indices read; the rows past the last whole block one at a time (two entries per
  ;; step into two sets of accumulators, as $spmmRows).
  (func $spmmBlocked
    (param $rowStart i32) (param $col i32) (param $val i32) (param $rows i32)
    (param $x i32) (param $y i32) (param $lanes i32)
    (local $stride i32) (local $g i32) (local $r i32) (local $rp i32) (local $k i32) (local $end i32) (local $n i32) (local $nb i32)
    (local $vp i32) (local $vEnd i32) (local $xg i32) (local $xp0 i32) (local $xp1 i32) (local $yp i32)
    (local $w0 v128) (local $w1 v128) (local $x0 v128) (local $x1 v128)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $b00 v128) (local $b01 v128) (local $b10 v128) (local $b11 v128) (local $b20 v128) (local $b21 v128) (local $b30 v128) (local $b31 v128)
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    ;; --- 8 lanes per pass
    (block $pass8
      (loop $groups8
        (br_if $pass8 (i32.gt_u (i32.add (local.get $g) (i32.const 8)) (local.get $lanes)))
        (local.set $xg (i32.add (local.get $x) (i32.shl (local.get $g) (i32.const 2))))
        (local.set $r (i32.const 0))
        (block $rowsDone8
          (loop $row8
            (br_if $rowsDone8 (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $yp (i32.add (i32.add (local.get $y) (i32.shl (local.get $g) (i32.const 2))) (i32.mul (local.get $r) (local.get $stride))))
            (local.set $rp (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2))))
            (local.set $k (i32.shl (i32.load (local.get $rp)) (i32.const 2)))
            (local.set $n (if (result i32) (i32.le_u (i32.add (local.get $r) (i32.const 4)) (local.get $rows)) (then (i32.sub (i32.load offset=4 (local.get $rp)) (i32.load (local.get $rp)))) (else (i32.const 0))))
            (if (local.get $n)
              (then
                ;; four rows over the same consecutive columns: each load of x serves the four
                (local.set $b00 (v128.const i32x4 0 0 0 0))
                (local.set $b01 (v128.const i32x4 0 0 0 0))
                (local.set $b10 (v128.const i32x4 0 0 0 0))
                (local.set $b11 (v128.const i32x4 0 0 0 0))
                (local.set $b20 (v128.const i32x4 0 0 0 0))
                (local.set $b21 (v128.const i32x4 0 0 0 0))
                (local.set $b30 (v128.const i32x4 0 0 0 0))
                (local.set $b31 (v128.const i32x4 0 0 0 0))
                (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
                (local.set $vp (i32.add (local.get $val) (local.get $k)))
                (local.set $vEnd (i32.add (local.get $vp) (local.get $nb)))
                (local.set $xp0 (i32.add (local.get $xg) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
                (block $runDone8
                  (loop $run8
                    (br_if $runDone8 (i32.ge_u (local.get $vp) (local.get $vEnd)))
                    (local.set $x0 (v128.load (local.get $xp0)))
                    (local.set $x1 (v128.load offset=16 (local.get $xp0)))
                    (local.set $w0 (v128.load32_splat (local.get $vp)))
                    (local.set $b00 (f32x4.relaxed_madd (local.get $w0) (local.get $x0) (local.get $b00)))
                    (local.set $b01 (f32x4.relaxed_madd (local.get $w0) (local.get $x1) (local.get $b01)))
                    (local.set $w0 (v128.load32_splat (i32.add (local.get $vp) (local.get $nb))))
                    (local.set $b10 (f32x4.relaxed_madd (local.get $w0) (local.get $x0) (local.get $b10)))
                    (local.set $b11 (f32x4.relaxed_madd (local.get $w0) (local.get $x1) (local.get $b11)))
                    (local.set $w0 (v128.load32_splat (i32.add (local.get $vp) (i32.mul (local.get $nb) (i32.const 2)))))
                    (local.set $b20 (f32x4.relaxed_madd (local.get $w0) (local.get $x0) (local.get $b20)))
                    (local.set $b21 (f32x4.relaxed_madd (local.get $w0) (local.get $x1) (local.get $b21)))
                    (local.set $w0 (v128.load32_splat (i32.add (local.get $vp) (i32.mul (local.get $nb) (i32.const 3)))))
                    (local.set $b30 (f32x4.relaxed_madd (local.get $w0) (local.get $x0) (local.get $b30)))
                    (local.set $b31 (f32x4.relaxed_madd (local.get $w0) (local.get $x1) (local.get $b31)))
                    (local.set $vp (i32.add (local.get $vp) (i32.const 4)))
                    (local.set $xp0 (i32.add (local.get $xp0) (local.get $stride)))
                    (br $run8)))
                (v128.store offset=0 (local.get $yp) (local.get $b00))
                (v128.store offset=16 (local.get $yp) (local.get $b01))
                (v128.store offset=0 (i32.add (local.get $yp) (local.get $stride)) (local.get $b10))
                (v128.store offset=16 (i32.add (local.get $yp) (local.get $stride)) (local.get $b11))
                (v128.store offset=0 (i32.add (local.get $yp) (i32.mul (local.get $stride) (i32.const 2))) (local.get $b20))
                (v128.store offset=16 (i32.add (local.get $yp) (i32.mul (local.get $stride) (i32.const 2))) (local.get $b21))
                (v128.store offset=0 (i32.add (local.get $yp) (i32.mul (local.get $stride) (i32.const 3))) (local.get $b30))
                (v128.store offset=16 (i32.add (local.get $yp) (i32.mul (local.get $stride) (i32.const 3))) (local.get $b31))
                (local.set $r (i32.add (local.get $r) (i32.const 4))))
              (else
                ;; one row, two entries per step into two sets of accumulators
                (local.set $a00 (v128.const i32x4 0 0 0 0))
                (local.set $a01 (v128.const i32x4 0 0 0 0))
                (local.set $a10 (v128.const i32x4 0 0 0 0))
                (local.set $a11 (v128.const i32x4 0 0 0 0))
                (local.set $end (i32.shl (i32.load offset=4 (local.get $rp)) (i32.const 2)))
                (block $pairsDone8
                  (loop $pair8
                    (br_if $pairsDone8 (i32.gt_u (i32.add (local.get $k) (i32.const 8)) (local.get $end)))
                    (local.set $w0 (v128.load32_splat (i32.add (local.get $val) (local.get $k))))
                    (local.set $w1 (v128.load32_splat offset=4 (i32.add (local.get $val) (local.get $k))))
                    (local.set $xp0 (i32.add (local.get $xg) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
                    (local.set $xp1 (i32.add (local.get $xg) (i32.mul (i32.load offset=4 (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
                    (local.set $a00 (f32x4.relaxed_madd (local.get $w0) (v128.load (local.get $xp0)) (local.get $a00)))
                    (local.set $a01 (f32x4.relaxed_madd (local.get $w0) (v128.load offset=16 (local.get $xp0)) (local.get $a01)))
                    (local.set $a10 (f32x4.relaxed_madd (local.get $w1) (v128.load (local.get $xp1)) (local.get $a10)))
                    (local.set $a11 (f32x4.relaxed_madd (local.get $w1) (v128.load offset=16 (local.get $xp1)) (local.get $a11)))
                    (local.set $k (i32.add (local.get $k) (i32.const 8)))
                    (br $pair8)))
                (if (i32.lt_u (local.get $k) (local.get $end))
                  (then
                    (local.set $w0 (v128.load32_splat (i32.add (local.get $val) (local.get $k))))
                    (local.set $xp0 (i32.add (local.get $xg) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
                    (local.set $a00 (f32x4.relaxed_madd (local.get $w0) (v128.load (local.get $xp0)) (local.get $a00)))
                    (local.set $a01 (f32x4.relaxed_madd (local.get $w0) (v128.load offset=16 (local.get $xp0)) (local.get $a01)))))
                (v128.store (local.get $yp) (f32x4.add (local.get $a00) (local.get $a10)))
                (v128.store offset=16 (local.get $yp) (f32x4.add (local.get $a01) (local.get $a11)))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))))
            (br $row8)))
        (local.set $g (i32.add (local.get $g) (i32.const 8)))
        (br $groups8)))
    ;; --- 4 lanes per pass
    (block $pass4
      (loop $groups4
        (br_if $pass4 (i32.gt_u (i32.add (local.get $g) (i32.const 4)) (local.get $lanes)))
        (local.set $xg (i32.add (local.get $x) (i32.shl (local.get $g) (i32.const 2))))
        (local.set $r (i32.const 0))
        (block $rowsDone4
          (loop $row4
            (br_if $rowsDone4 (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $yp (i32.add (i32.add (local.get $y) (i32.shl (local.get $g) (i32.const 2))) (i32.mul (local.get $r) (local.get $stride))))
            (local.set $rp (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2))))
            (local.set $k (i32.shl (i32.load (local.get $rp)) (i32.const 2)))
            (local.set $n (if (result i32) (i32.le_u (i32.add (local.get $r) (i32.const 4)) (local.get $rows)) (then (i32.sub (i32.load offset=4 (local.get $rp)) (i32.load (local.get $rp)))) (else (i32.const 0))))
            (if (local.get $n)
              (then
                ;; four rows over the same consecutive columns: each load of x serves the four
                (local.set $b00 (v128.const i32x4 0 0 0 0))
                (local.set $b10 (v128.const i32x4 0 0 0 0))
                (local.set $b20 (v128.const i32x4 0 0 0 0))
                (local.set $b30 (v128.const i32x4 0 0 0 0))
                (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
                (local.set $vp (i32.add (local.get $val) (local.get $k)))
                (local.set $vEnd (i32.add (local.get $vp) (local.get $nb)))
                (local.set $xp0 (i32.add (local.get $xg) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
                (block $runDone4
                  (loop $run4
                    (br_if $runDone4 (i32.ge_u (local.get $vp) (local.get $vEnd)))
                    (local.set $x0 (v128.load (local.get $xp0)))
                    (local.set $w0 (v128.load32_splat (local.get $vp)))
                    (local.set $b00 (f32x4.relaxed_madd (local.get $w0) (local.get $x0) (local.get $b00)))
                    (local.set $w0 (v128.load32_splat (i32.add (local.get $vp) (local.get $nb))))
                    (local.set $b10 (f32x4.relaxed_madd (local.get $w0) (local.get $x0) (local.get $b10)))
                    (local.set $w0 (v128.load32_splat (i32.add (local.get $vp) (i32.mul (local.get $nb) (i32.const 2)))))
                    (local.set $b20 (f32x4.relaxed_madd (local.get $w0) (local.get $x0) (local.get $b20)))
                    (local.set $w0 (v128.load32_splat (i32.add (local.get $vp) (i32.mul (local.get $nb) (i32.const 3)))))
                    (local.set $b30 (f32x4.relaxed_madd (local.get $w0) (local.get $x0) (local.get $b30)))
                    (local.set $vp (i32.add (local.get $vp) (i32.const 4)))
                    (local.set $xp0 (i32.add (local.get $xp0) (local.get $stride)))
                    (br $run4)))
                (v128.store offset=0 (local.get $yp) (local.get $b00))
                (v128.store offset=0 (i32.add (local.get $yp) (local.get $stride)) (local.get $b10))
                (v128.store offset=0 (i32.add (local.get $yp) (i32.mul (local.get $stride) (i32.const 2))) (local.get $b20))
                (v128.store offset=0 (i32.add (local.get $yp) (i32.mul (local.get $stride) (i32.const 3))) (local.get $b30))
                (local.set $r (i32.add (local.get $r) (i32.const 4))))
              (else
                ;; one row, two entries per step into two sets of accumulators
                (local.set $a00 (v128.const i32x4 0 0 0 0))
                (local.set $a10 (v128.const i32x4 0 0 0 0))
                (local.set $end (i32.shl (i32.load offset=4 (local.get $rp)) (i32.const 2)))
                (block $pairsDone4
                  (loop $pair4
                    (br_if $pairsDone4 (i32.gt_u (i32.add (local.get $k) (i32.const 8)) (local.get $end)))
                    (local.set $w0 (v128.load32_splat (i32.add (local.get $val) (local.get $k))))
                    (local.set $w1 (v128.load32_splat offset=4 (i32.add (local.get $val) (local.get $k))))
                    (local.set $xp0 (i32.add (local.get $xg) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
                    (local.set $xp1 (i32.add (local.get $xg) (i32.mul (i32.load offset=4 (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
                    (local.set $a00 (f32x4.relaxed_madd (local.get $w0) (v128.load (local.get $xp0)) (local.get $a00)))
                    (local.set $a10 (f32x4.relaxed_madd (local.get $w1) (v128.load (local.get $xp1)) (local.get $a10)))
                    (local.set $k (i32.add (local.get $k) (i32.const 8)))
                    (br $pair4)))
                (if (i32.lt_u (local.get $k) (local.get $end))
                  (then
                    (local.set $w0 (v128.load32_splat (i32.add (local.get $val) (local.get $k))))
                    (local.set $xp0 (i32.add (local.get $xg) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
                    (local.set $a00 (f32x4.relaxed_madd (local.get $w0) (v128.load (local.get $xp0)) (local.get $a00)))))
                (v128.store (local.get $yp) (f32x4.add (local.get $a00) (local.get $a10)))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))))
            (br $row4)))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (br $groups4))))

  ;; y[r, :] = Σ_k val[k] · x[col[k], :] for r in [0, rows): the product of a sparse matrix with a
  ;; feature-major activation. When every block of four rows stores one run of consecutive columns
  ;; (a dense matrix: checked once per call), $spmmBlocked, else one row at a time ($spmmRows).
  ;; Columns must strictly increase within a row (see $sameRun). For a dense matrix with many lanes
  ;; (rows of x 2 KiB or more apart, see $packs) the lanes go in panels of up to 64: the panel's
  ;; lanes of x are copied into the scratch as an activation of their own, each input's 256 bytes
  ;; adjacent, so the product reads x from a few pages instead of one page per input; its output
  ;; panel, also in the scratch, is then copied into y. Each output is the same sum in the same
  ;; order either way.
  (func $spmm (export "spmm")
    (param $rowStart i32) (param $col i32) (param $val i32) (param $rows i32)
    (param $x i32) (param $y i32) (param $lanes i32)
    (local $stride i32) (local $cols i32) (local $panel i32) (local $yPanel i32) (local $o i32) (local $width i32)
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    (if (i32.eqz (call $sameRuns (local.get $rowStart) (local.get $col) (local.get $rows)))
      (then
        (call $spmmRows (local.get $rowStart) (local.get $col) (local.get $val) (local.get $rows) (local.get $x) (local.get $y) (local.get $lanes) (i32.const 0) (i32.const 0))
        (return)))
    ;; packed only from rows 2 KiB apart (512 lanes); one row at a time is never packed: there the
    ;; copies in and out cost more than they saved at the densities measured
    (local.set $cols (call $colsUsed (local.get $rowStart) (local.get $col) (local.get $rows)))
    (if (i32.eqz (call $packs (local.get $stride) (i32.add (local.get $cols) (local.get $rows)) (i32.const 16) (i32.const 2048)))
      (then
        (call $spmmBlocked (local.get $rowStart) (local.get $col) (local.get $val) (local.get $rows) (local.get $x) (local.get $y) (local.get $lanes))
        (return)))
    ;; a panel: 64 lanes (256 bytes per row), fewer when (cols + rows) × 256 bytes would not fit the scratch
    (local.set $panel (i32.and (i32.div_u (global.get $scratchBytes) (i32.add (local.get $cols) (local.get $rows))) (i32.const -16)))
    (local.set $panel (select (i32.const 256) (local.get $panel) (i32.gt_u (local.get $panel) (i32.const 256))))
    (local.set $yPanel (i32.add (global.get $scratch) (i32.mul (local.get $cols) (local.get $panel))))
    (block $panelsDone
      (loop $panels
        (br_if $panelsDone (i32.ge_u (local.get $o) (local.get $stride)))
        (local.set $width (select (local.get $panel) (i32.sub (local.get $stride) (local.get $o))
          (i32.lt_u (local.get $panel) (i32.sub (local.get $stride) (local.get $o)))))
        (call $copyRows (i32.add (local.get $x) (local.get $o)) (local.get $stride) (global.get $scratch) (local.get $width) (local.get $cols) (local.get $width))
        (call $spmmBlocked (local.get $rowStart) (local.get $col) (local.get $val) (local.get $rows)
          (global.get $scratch) (local.get $yPanel) (i32.shr_u (local.get $width) (i32.const 2)))
        (call $copyRows (local.get $yPanel) (local.get $width) (i32.add (local.get $y) (local.get $o)) (local.get $stride) (local.get $rows) (local.get $width))
        (local.set $o (i32.add (local.get $o) (local.get $panel)))
        (br $panels))))

  ;; y[r, b] = Σ_c W[r, c] · x[c, b] for the first `batch` lanes (the rest of y's lanes are set to 0):
  ;; the dense product for nearly dense layers, with output rows (not batch rows) across the SIMD
  ;; lanes, so a small batch wastes nothing on padding. W is packed by `packDense` (csr.ts) in
  ;; blocks of eight rows, [⌈rows/8⌉, cols, 8] f32, rows past the end zero. Per block, four batch
  ;; rows at a time: eight accumulators (8 rows × 4 batch rows) held in locals, each load of W used
  ;; for four batch rows and each x value (splatted) for eight output rows; then one batch row at a
  ;; time for the rest. The block of W (cols × 32 bytes) stays in cache between the two.
  (func (export "dense")
    (param $w i32) (param $rows i32) (param $cols i32) (param $x i32) (param $y i32) (param $batch i32) (param $lanes i32)
    (local $stride i32) (local $r i32) (local $wb i32) (local $wEnd i32) (local $wp i32) (local $xp i32) (local $yb i32) (local $b i32) (local $i i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $w0 v128) (local $w1 v128) (local $s v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    (local.set $wb (local.get $w))
    (block $rowsDone
      (loop $block
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $wEnd (i32.add (local.get $wb) (i32.shl (local.get $cols) (i32.const 5))))
        ;; --- four batch rows at a time: a0, a2, a4, a6 hold rows r..r+3 of batch rows b..b+3, a1, a3, a5, a7 rows r+4..r+7
        (local.set $b (i32.const 0))
        (block $quadsDone
          (loop $quad
            (br_if $quadsDone (i32.gt_u (i32.add (local.get $b) (i32.const 4)) (local.get $batch)))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $a2 (v128.const i32x4 0 0 0 0))
            (local.set $a3 (v128.const i32x4 0 0 0 0))
            (local.set $a4 (v128.const i32x4 0 0 0 0))
            (local.set $a5 (v128.const i32x4 0 0 0 0))
            (local.set $a6 (v128.const i32x4 0 0 0 0))
            (local.set $a7 (v128.const i32x4 0 0 0 0))
            (local.set $wp (local.get $wb))
            (local.set $xp (i32.add (local.get $x) (i32.shl (local.get $b) (i32.const 2))))
            (block $colsDone
              (loop $col
                (br_if $colsDone (i32.ge_u (local.get $wp) (local.get $wEnd)))
                (local.set $w0 (v128.load (local.get $wp)))
                (local.set $w1 (v128.load offset=16 (local.get $wp)))
                (local.set $s (v128.load32_splat (local.get $xp)))
                (local.set $a0 (f32x4.relaxed_madd (local.get $w0) (local.get $s) (local.get $a0)))
                (local.set $a1 (f32x4.relaxed_madd (local.get $w1) (local.get $s) (local.get $a1)))
                (local.set $s (v128.load32_splat offset=4 (local.get $xp)))
                (local.set $a2 (f32x4.relaxed_madd (local.get $w0) (local.get $s) (local.get $a2)))
                (local.set $a3 (f32x4.relaxed_madd (local.get $w1) (local.get $s) (local.get $a3)))
                (local.set $s (v128.load32_splat offset=8 (local.get $xp)))
                (local.set $a4 (f32x4.relaxed_madd (local.get $w0) (local.get $s) (local.get $a4)))
                (local.set $a5 (f32x4.relaxed_madd (local.get $w1) (local.get $s) (local.get $a5)))
                (local.set $s (v128.load32_splat offset=12 (local.get $xp)))
                (local.set $a6 (f32x4.relaxed_madd (local.get $w0) (local.get $s) (local.get $a6)))
                (local.set $a7 (f32x4.relaxed_madd (local.get $w1) (local.get $s) (local.get $a7)))
                (local.set $wp (i32.add (local.get $wp) (i32.const 32)))
                (local.set $xp (i32.add (local.get $xp) (local.get $stride)))
                (br $col)))
            ;; transpose each 4 × 4 block (rows × batch rows) and store four batch rows per output row
            (local.set $yb (i32.add (local.get $y) (i32.shl (local.get $b) (i32.const 2))))
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a2)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a2)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a4) (local.get $a6)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a4) (local.get $a6)))
            (if (i32.lt_u (i32.add (local.get $r) (i32.const 0)) (local.get $rows)) (then (v128.store (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 0)) (local.get $stride))) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))))
            (if (i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $rows)) (then (v128.store (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 1)) (local.get $stride))) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))))
            (if (i32.lt_u (i32.add (local.get $r) (i32.const 2)) (local.get $rows)) (then (v128.store (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 2)) (local.get $stride))) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))))
            (if (i32.lt_u (i32.add (local.get $r) (i32.const 3)) (local.get $rows)) (then (v128.store (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 3)) (local.get $stride))) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))))
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a1) (local.get $a3)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a1) (local.get $a3)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a5) (local.get $a7)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a5) (local.get $a7)))
            (if (i32.lt_u (i32.add (local.get $r) (i32.const 4)) (local.get $rows)) (then (v128.store (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 4)) (local.get $stride))) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))))
            (if (i32.lt_u (i32.add (local.get $r) (i32.const 5)) (local.get $rows)) (then (v128.store (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 5)) (local.get $stride))) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))))
            (if (i32.lt_u (i32.add (local.get $r) (i32.const 6)) (local.get $rows)) (then (v128.store (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 6)) (local.get $stride))) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))))
            (if (i32.lt_u (i32.add (local.get $r) (i32.const 7)) (local.get $rows)) (then (v128.store (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 7)) (local.get $stride))) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))))
            (local.set $b (i32.add (local.get $b) (i32.const 4)))
            (br $quad)))
        ;; --- the remaining batch rows one at a time
        (block $singlesDone
          (loop $single
            (br_if $singlesDone (i32.ge_u (local.get $b) (local.get $batch)))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $wp (local.get $wb))
            (local.set $xp (i32.add (local.get $x) (i32.shl (local.get $b) (i32.const 2))))
            (block $colsDone
              (loop $col
                (br_if $colsDone (i32.ge_u (local.get $wp) (local.get $wEnd)))
                (local.set $s (v128.load32_splat (local.get $xp)))
                (local.set $a0 (f32x4.relaxed_madd (v128.load (local.get $wp)) (local.get $s) (local.get $a0)))
                (local.set $a1 (f32x4.relaxed_madd (v128.load offset=16 (local.get $wp)) (local.get $s) (local.get $a1)))
                (local.set $wp (i32.add (local.get $wp) (i32.const 32)))
                (local.set $xp (i32.add (local.get $xp) (local.get $stride)))
                (br $col)))
            (local.set $yb (i32.add (local.get $y) (i32.shl (local.get $b) (i32.const 2))))
            (if (i32.lt_u (i32.add (local.get $r) (i32.const 0)) (local.get $rows)) (then (f32.store (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 0)) (local.get $stride))) (f32x4.extract_lane 0 (local.get $a0)))))
            (if (i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $rows)) (then (f32.store (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 1)) (local.get $stride))) (f32x4.extract_lane 1 (local.get $a0)))))
            (if (i32.lt_u (i32.add (local.get $r) (i32.const 2)) (local.get $rows)) (then (f32.store (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 2)) (local.get $stride))) (f32x4.extract_lane 2 (local.get $a0)))))
            (if (i32.lt_u (i32.add (local.get $r) (i32.const 3)) (local.get $rows)) (then (f32.store (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 3)) (local.get $stride))) (f32x4.extract_lane 3 (local.get $a0)))))
            (if (i32.lt_u (i32.add (local.get $r) (i32.const 4)) (local.get $rows)) (then (f32.store (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 4)) (local.get $stride))) (f32x4.extract_lane 0 (local.get $a1)))))
            (if (i32.lt_u (i32.add (local.get $r) (i32.const 5)) (local.get $rows)) (then (f32.store (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 5)) (local.get $stride))) (f32x4.extract_lane 1 (local.get $a1)))))
            (if (i32.lt_u (i32.add (local.get $r) (i32.const 6)) (local.get $rows)) (then (f32.store (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 6)) (local.get $stride))) (f32x4.extract_lane 2 (local.get $a1)))))
            (if (i32.lt_u (i32.add (local.get $r) (i32.const 7)) (local.get $rows)) (then (f32.store (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 7)) (local.get $stride))) (f32x4.extract_lane 3 (local.get $a1)))))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $single)))
        ;; --- padded lanes [batch, lanes) of the block's rows ← 0
        (local.set $i (i32.const 0))
        (block $padDone
          (loop $padRow
            (br_if $padDone (i32.or (i32.ge_u (local.get $i) (i32.const 8)) (i32.ge_u (i32.add (local.get $r) (local.get $i)) (local.get $rows))))
            (local.set $yb (i32.add (local.get $y) (i32.mul (i32.add (local.get $r) (local.get $i)) (local.get $stride))))
            (local.set $b (local.get $batch))
            (block $lanesDone
              (loop $lane
                (br_if $lanesDone (i32.ge_u (local.get $b) (local.get $lanes)))
                (f32.store (i32.add (local.get $yb) (i32.shl (local.get $b) (i32.const 2))) (f32.const 0))
                (local.set $b (i32.add (local.get $b) (i32.const 1)))
                (br $lane)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $padRow)))
        (local.set $r (i32.add (local.get $r) (i32.const 8)))
        (local.set $wb (local.get $wEnd))
        (br $block))))


  ;; The dense product (as `dense`, the same bits) for exactly five batch rows b0..b0 + 4 (b0 a
  ;; multiple of 4), the sparse engine's batch of 5 agents, where `dense` reads the weights twice
  ;; (once for a group of four batch rows, once for the single row left). Each half of an 8-row
  ;; block (four rows in the lanes) goes over the columns once for the five batch rows: five
  ;; accumulators, one weight load and five splatted x per column (eight rows × five in one pass
  ;; need more registers than V8 keeps, and it spills accumulators). The second half re-reads the
  ;; block from L1. Lanes b0 + 5..b0 + 7 of y ← 0; the caller has the lanes from b0 + 8 on.
  (func (export "dense5")
    (param $w i32) (param $rows i32) (param $cols i32) (param $x i32) (param $y i32) (param $b0 i32) (param $lanes i32)
    (local $stride i32) (local $r i32) (local $wb i32) (local $wEnd i32) (local $wp i32) (local $xp i32) (local $yb i32) (local $yp i32) (local $half i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128)
    (local $w0 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    (local.set $yb (i32.add (local.get $y) (i32.shl (local.get $b0) (i32.const 2))))
    (local.set $wb (local.get $w))
    (block $rowsDone
      (loop $block
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $wEnd (i32.add (local.get $wb) (i32.shl (local.get $cols) (i32.const 5))))
        ;; --- rows r..r + 3 of the block (weights at offset 0 of each 32 bytes), then r + 4..r + 7 (offset 16)
        (local.set $half (i32.const 0))
        (loop $halves
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $a4 (v128.const i32x4 0 0 0 0))
        (local.set $wp (i32.add (local.get $wb) (local.get $half)))
        (local.set $xp (i32.add (local.get $x) (i32.shl (local.get $b0) (i32.const 2))))
        (block $colsDone
          (loop $col
            (br_if $colsDone (i32.ge_u (local.get $wp) (local.get $wEnd)))
            (local.set $w0 (v128.load (local.get $wp)))
            (local.set $a0 (f32x4.relaxed_madd (local.get $w0) (v128.load32_splat (local.get $xp)) (local.get $a0)))
            (local.set $a1 (f32x4.relaxed_madd (local.get $w0) (v128.load32_splat offset=4 (local.get $xp)) (local.get $a1)))
            (local.set $a2 (f32x4.relaxed_madd (local.get $w0) (v128.load32_splat offset=8 (local.get $xp)) (local.get $a2)))
            (local.set $a3 (f32x4.relaxed_madd (local.get $w0) (v128.load32_splat offset=12 (local.get $xp)) (local.get $a3)))
            (local.set $a4 (f32x4.relaxed_madd (local.get $w0) (v128.load32_splat offset=16 (local.get $xp)) (local.get $a4)))
            (local.set $wp (i32.add (local.get $wp) (i32.const 32)))
            (local.set $xp (i32.add (local.get $xp) (local.get $stride)))
            (br $col)))
        ;; batch rows 0..3 transposed to one vector per output row; batch row 4 with three zeros after it
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1)))
        (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1)))
        (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3)))
        (if (i32.lt_u (i32.add (local.get $r) (i32.const 0)) (local.get $rows))
          (then
            (local.set $yp (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 0)) (local.get $stride))))
            (v128.store (local.get $yp) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (v128.store offset=16 (local.get $yp) (i8x16.shuffle 0 1 2 3 16 17 18 19 16 17 18 19 16 17 18 19 (local.get $a4) (v128.const i32x4 0 0 0 0)))))
        (if (i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $rows))
          (then
            (local.set $yp (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 1)) (local.get $stride))))
            (v128.store (local.get $yp) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (v128.store offset=16 (local.get $yp) (i8x16.shuffle 4 5 6 7 16 17 18 19 16 17 18 19 16 17 18 19 (local.get $a4) (v128.const i32x4 0 0 0 0)))))
        (if (i32.lt_u (i32.add (local.get $r) (i32.const 2)) (local.get $rows))
          (then
            (local.set $yp (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 2)) (local.get $stride))))
            (v128.store (local.get $yp) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (v128.store offset=16 (local.get $yp) (i8x16.shuffle 8 9 10 11 16 17 18 19 16 17 18 19 16 17 18 19 (local.get $a4) (v128.const i32x4 0 0 0 0)))))
        (if (i32.lt_u (i32.add (local.get $r) (i32.const 3)) (local.get $rows))
          (then
            (local.set $yp (i32.add (local.get $yb) (i32.mul (i32.add (local.get $r) (i32.const 3)) (local.get $stride))))
            (v128.store (local.get $yp) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            (v128.store offset=16 (local.get $yp) (i8x16.shuffle 12 13 14 15 16 17 18 19 16 17 18 19 16 17 18 19 (local.get $a4) (v128.const i32x4 0 0 0 0)))))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (local.set $half (i32.add (local.get $half) (i32.const 16)))
        (br_if $halves (i32.lt_u (local.get $half) (i32.const 32))))
        (local.set $wb (local.get $wEnd))
        (br $block))))

  ;; dst[f, r] = src[r, f]: rows × features row-major into the feature-major [features, lanes] layout
  ;; (padded lanes are left alone). In 4 × 4 tiles: four rows' four features loaded as four vectors,
  ;; transposed with shuffles, stored as four features' four lanes; the edges element by element.
  (func (export "toFeatureMajor") (param $src i32) (param $dst i32) (param $rows i32) (param $features i32) (param $lanes i32)
    (local $fc i32) (local $fcEnd i32) (local $r i32) (local $f i32) (local $rows4 i32) (local $f4 i32) (local $stride i32) (local $rowBytes i32) (local $sp i32) (local $dp i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $f4 (i32.and (local.get $features) (i32.const -4)))
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $features) (i32.const 2)))
    ;; 32 features at a time over all rows, so the lines written (or read) at a stride of lanes stay
    ;; few enough for the cache whatever the stride
    (block $chunksDone
      (loop $chunk
        (br_if $chunksDone (i32.ge_u (local.get $fc) (local.get $f4)))
        (local.set $fcEnd (select (local.get $f4) (i32.add (local.get $fc) (i32.const 32)) (i32.gt_u (i32.add (local.get $fc) (i32.const 32)) (local.get $f4))))
        (local.set $r (i32.const 0))
    (block $rowsDone
      (loop $rowBlock
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows4)))
        (local.set $sp (i32.add (local.get $src) (i32.add (i32.mul (local.get $r) (local.get $rowBytes)) (i32.shl (local.get $fc) (i32.const 2)))))
        (local.set $dp (i32.add (local.get $dst) (i32.add (i32.shl (local.get $r) (i32.const 2)) (i32.mul (local.get $fc) (local.get $stride)))))
        (local.set $f (local.get $fc))
        (block $featuresDone
          (loop $featureBlock
            (br_if $featuresDone (i32.ge_u (local.get $f) (local.get $fcEnd)))
            (local.set $v0 (v128.load (local.get $sp)))
            (local.set $v1 (v128.load (i32.add (local.get $sp) (local.get $rowBytes))))
            (local.set $v2 (v128.load (i32.add (local.get $sp) (i32.shl (local.get $rowBytes) (i32.const 1)))))
            (local.set $v3 (v128.load (i32.add (local.get $sp) (i32.mul (local.get $rowBytes) (i32.const 3)))))
            (local.set $a (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
            (local.set $b (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
            (local.set $c (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
            (local.set $d (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
            (local.set $v0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $c)))
            (local.set $v1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $c)))
            (local.set $v2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $b) (local.get $d)))
            (local.set $v3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $b) (local.get $d)))
            (v128.store (local.get $dp) (local.get $v0))
            (v128.store (i32.add (local.get $dp) (local.get $stride)) (local.get $v1))
            (v128.store (i32.add (local.get $dp) (i32.shl (local.get $stride) (i32.const 1))) (local.get $v2))
            (v128.store (i32.add (local.get $dp) (i32.mul (local.get $stride) (i32.const 3))) (local.get $v3))
            (local.set $sp (i32.add (local.get $sp) (i32.const 16)))
            (local.set $dp (i32.add (local.get $dp) (i32.shl (local.get $stride) (i32.const 2))))
            (local.set $f (i32.add (local.get $f) (i32.const 4)))
            (br $featureBlock)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rowBlock)))
        (local.set $fc (local.get $fcEnd))
        (br $chunk)))
    ;; what the tiles leave: the last features % 4 features of the tiled rows, then the last rows % 4 rows
    (call $toFeatureMajorScalar (local.get $src) (local.get $dst) (i32.const 0) (local.get $rows4) (local.get $f4) (local.get $features) (local.get $features) (local.get $lanes))
    (call $toFeatureMajorScalar (local.get $src) (local.get $dst) (local.get $rows4) (local.get $rows) (i32.const 0) (local.get $features) (local.get $features) (local.get $lanes)))

  ;; dst[r, f] = src[f, r]: the first `rows` lanes of a feature-major buffer back to row-major, in
  ;; 4 × 4 tiles as toFeatureMajor, the edges element by element.
  (func (export "toRowMajor") (param $src i32) (param $dst i32) (param $rows i32) (param $features i32) (param $lanes i32)
    (local $fc i32) (local $fcEnd i32) (local $r i32) (local $f i32) (local $rows4 i32) (local $f4 i32) (local $stride i32) (local $rowBytes i32) (local $sp i32) (local $dp i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $f4 (i32.and (local.get $features) (i32.const -4)))
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $features) (i32.const 2)))
    ;; 32 features at a time over all rows, so the lines written (or read) at a stride of lanes stay
    ;; few enough for the cache whatever the stride
    (block $chunksDone
      (loop $chunk
        (br_if $chunksDone (i32.ge_u (local.get $fc) (local.get $f4)))
        (local.set $fcEnd (select (local.get $f4) (i32.add (local.get $fc) (i32.const 32)) (i32.gt_u (i32.add (local.get $fc) (i32.const 32)) (local.get $f4))))
        (local.set $r (i32.const 0))
    (block $rowsDone
      (loop $rowBlock
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows4)))
        (local.set $sp (i32.add (local.get $src) (i32.add (i32.shl (local.get $r) (i32.const 2)) (i32.mul (local.get $fc) (local.get $stride)))))
        (local.set $dp (i32.add (local.get $dst) (i32.add (i32.mul (local.get $r) (local.get $rowBytes)) (i32.shl (local.get $fc) (i32.const 2)))))
        (local.set $f (local.get $fc))
        (block $featuresDone
          (loop $featureBlock
            (br_if $featuresDone (i32.ge_u (local.get $f) (local.get $fcEnd)))
            (local.set $v0 (v128.load (local.get $sp)))
            (local.set $v1 (v128.load (i32.add (local.get $sp) (local.get $stride))))
            (local.set $v2 (v128.load (i32.add (local.get $sp) (i32.shl (local.get $stride) (i32.const 1)))))
            (local.set $v3 (v128.load (i32.add (local.get $sp) (i32.mul (local.get $stride) (i32.const 3)))))
            (local.set $a (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
            (local.set $b (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
            (local.set $c (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
            (local.set $d (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
            (local.set $v0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $c)))
            (local.set $v1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $c)))
            (local.set $v2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $b) (local.get $d)))
            (local.set $v3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $b) (local.get $d)))
            (v128.store (local.get $dp) (local.get $v0))
            (v128.store (i32.add (local.get $dp) (local.get $rowBytes)) (local.get $v1))
            (v128.store (i32.add (local.get $dp) (i32.shl (local.get $rowBytes) (i32.const 1))) (local.get $v2))
            (v128.store (i32.add (local.get $dp) (i32.mul (local.get $rowBytes) (i32.const 3))) (local.get $v3))
            (local.set $sp (i32.add (local.get $sp) (i32.shl (local.get $stride) (i32.const 2))))
            (local.set $dp (i32.add (local.get $dp) (i32.const 16)))
            (local.set $f (i32.add (local.get $f) (i32.const 4)))
            (br $featureBlock)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rowBlock)))
        (local.set $fc (local.get $fcEnd))
        (br $chunk)))
    ;; what the tiles leave: the last features % 4 features of the tiled rows, then the last rows % 4 rows
    (call $toRowMajorScalar (local.get $src) (local.get $dst) (i32.const 0) (local.get $rows4) (local.get $f4) (local.get $features) (local.get $features) (local.get $lanes))
    (call $toRowMajorScalar (local.get $src) (local.get $dst) (local.get $rows4) (local.get $rows) (i32.const 0) (local.get $features) (local.get $features) (local.get $lanes)))

  ;; The element-by-element transposes over rows [r0, r1) and features [f0, f1), for the tiles' edges.
  (func $toFeatureMajorScalar (param $src i32) (param $dst i32) (param $r0 i32) (param $r1 i32) (param $f0 i32) (param $f1 i32) (param $features i32) (param $lanes i32)
    (local $r i32) (local $f i32) (local $rm i32) (local $fm i32)
    (local.set $r (local.get $r0))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $r1)))
        (local.set $f (local.get $f0))
        (block $rowDone
          (loop $feature
            (br_if $rowDone (i32.ge_u (local.get $f) (local.get $f1)))
            (local.set $rm (i32.shl (i32.add (i32.mul (local.get $r) (local.get $features)) (local.get $f)) (i32.const 2))) ;; [r, f] row-major
            (local.set $fm (i32.shl (i32.add (i32.mul (local.get $f) (local.get $lanes)) (local.get $r)) (i32.const 2))) ;; [f, r] feature-major
            (f32.store (i32.add (local.get $dst) (local.get $fm)) (f32.load (i32.add (local.get $src) (local.get $rm))))
            (local.set $f (i32.add (local.get $f) (i32.const 1)))
            (br $feature)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  (func $toRowMajorScalar (param $src i32) (param $dst i32) (param $r0 i32) (param $r1 i32) (param $f0 i32) (param $f1 i32) (param $features i32) (param $lanes i32)
    (local $r i32) (local $f i32) (local $rm i32) (local $fm i32)
    (local.set $r (local.get $r0))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $r1)))
        (local.set $f (local.get $f0))
        (block $rowDone
          (loop $feature
            (br_if $rowDone (i32.ge_u (local.get $f) (local.get $f1)))
            (local.set $rm (i32.shl (i32.add (i32.mul (local.get $r) (local.get $features)) (local.get $f)) (i32.const 2))) ;; [r, f] row-major
            (local.set $fm (i32.shl (i32.add (i32.mul (local.get $f) (local.get $lanes)) (local.get $r)) (i32.const 2))) ;; [f, r] feature-major
            (f32.store (i32.add (local.get $dst) (local.get $rm)) (f32.load (i32.add (local.get $src) (local.get $fm))))
            (local.set $f (i32.add (local.get $f) (i32.const 1)))
            (br $feature)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; y[f, :] = x[f, :] + bias[f]
  (func $addBias (export "addBias") (param $x i32) (param $bias i32) (param $y i32) (param $features i32) (param $lanes i32)
    (local $f i32) (local $l i32) (local $b v128) (local $o i32)
    (local.set $f (i32.const 0))
    (block $done
      (loop $feature
        (br_if $done (i32.ge_u (local.get $f) (local.get $features)))
        (local.set $b (f32x4.splat (f32.load (i32.add (local.get $bias) (i32.shl (local.get $f) (i32.const 2))))))
        (local.set $l (i32.const 0))
        (block $lanesDone
          (loop $lane
            (br_if $lanesDone (i32.ge_u (local.get $l) (local.get $lanes)))
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $f) (local.get $lanes)) (local.get $l)) (i32.const 2)))
            (v128.store (i32.add (local.get $y) (local.get $o)) (f32x4.add (v128.load (i32.add (local.get $x) (local.get $o))) (local.get $b)))
            (local.set $l (i32.add (local.get $l) (i32.const 4)))
            (br $lane)))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $feature))))

  ;; y = a + b over `count` floats (a multiple of 4)
  (func (export "add") (param $a i32) (param $b i32) (param $y i32) (param $count i32)
    (local $o i32) (local $end i32)
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (v128.store (i32.add (local.get $y) (local.get $o))
          (f32x4.add (v128.load (i32.add (local.get $a) (local.get $o))) (v128.load (i32.add (local.get $b) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $next))))

  ;; y = max(x, 0) over `count` floats (a multiple of 4); NaN stays NaN
  (func $relu (export "relu") (param $x i32) (param $y i32) (param $count i32)
    (local $o i32) (local $end i32) (local $v v128)
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $v (v128.load (i32.add (local.get $x) (local.get $o))))
        (v128.store (i32.add (local.get $y) (local.get $o))
          (v128.bitselect (v128.const i32x4 0 0 0 0) (local.get $v) (f32x4.lt (local.get $v) (v128.const f32x4 0 0 0 0))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $next))))

;; y = σ(x) = 1 / (1 + e^−x) over `count` floats (a multiple of 4); y may be x. e^t (t = −x) is
  ;; written inline, because a call per vector costs as much as the arithmetic: t clamped to
  ;; [−87.3, 88.3]; t = n·ln2 + r with n = round(t·log2 e), rounded by adding 1.5·2²³ (whose low
  ;; mantissa bits then hold n + 0x4B400000) and |r| ≤ ln2/2; e^r ≈ 1 + r + r²·(c0 + c1·r + c2·r² + c3·r³),
  ;; coefficients fitted for least maximum relative error on [−ln2/2, ln2/2] (1.7·10⁻⁷ in f32, with
  ;; the f32 ln2's 2·10⁻⁹ error times |n| ≤ 127 on top); 2^n built in the exponent bits. The absolute
  ;; error of σ stays below 2·10⁻⁷; NaN stays NaN (min, max and the arithmetic carry it).
  (func $sigmoid (export "sigmoid") (param $x i32) (param $y i32) (param $count i32)
    (local $o i32) (local $end i32)
    (local $t0 v128) (local $nb0 v128) (local $r0 v128) (local $p0 v128)
    (local $t1 v128) (local $nb1 v128) (local $r1 v128) (local $p1 v128)
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    ;; --- two independent vectors per pass, so their dependency chains overlap
    (block $pairsDone
      (loop $pair
        (br_if $pairsDone (i32.gt_u (i32.add (local.get $o) (i32.const 32)) (local.get $end)))
        (local.set $t0 (f32x4.min (f32x4.max (f32x4.neg (v128.load (i32.add (local.get $x) (local.get $o)))) (v128.const f32x4 -87.3 -87.3 -87.3 -87.3)) (v128.const f32x4 88.3 88.3 88.3 88.3)))
        (local.set $nb0 (f32x4.add (f32x4.mul (local.get $t0) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504)) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $r0 (f32x4.sub (local.get $t0) (f32x4.mul (f32x4.sub (local.get $nb0) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
        (local.set $p0 (f32x4.add (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $r0)) (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2)))
        (local.set $p0 (f32x4.add (f32x4.mul (local.get $p0) (local.get $r0)) (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1)))
        (local.set $p0 (f32x4.add (f32x4.mul (local.get $p0) (local.get $r0)) (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1)))
        (local.set $p0
          (f32x4.mul
            (f32x4.add (f32x4.add (f32x4.mul (local.get $p0) (f32x4.mul (local.get $r0) (local.get $r0))) (local.get $r0)) (v128.const f32x4 1 1 1 1))
            (i32x4.shl (i32x4.sub (local.get $nb0) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
        (v128.store (i32.add (local.get $y) (local.get $o)) (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $p0))))
        (local.set $t1 (f32x4.min (f32x4.max (f32x4.neg (v128.load offset=16 (i32.add (local.get $x) (local.get $o)))) (v128.const f32x4 -87.3 -87.3 -87.3 -87.3)) (v128.const f32x4 88.3 88.3 88.3 88.3)))
        (local.set $nb1 (f32x4.add (f32x4.mul (local.get $t1) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504)) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $r1 (f32x4.sub (local.get $t1) (f32x4.mul (f32x4.sub (local.get $nb1) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
        (local.set $p1 (f32x4.add (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $r1)) (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2)))
        (local.set $p1 (f32x4.add (f32x4.mul (local.get $p1) (local.get $r1)) (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1)))
        (local.set $p1 (f32x4.add (f32x4.mul (local.get $p1) (local.get $r1)) (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1)))
        (local.set $p1
          (f32x4.mul
            (f32x4.add (f32x4.add (f32x4.mul (local.get $p1) (f32x4.mul (local.get $r1) (local.get $r1))) (local.get $r1)) (v128.const f32x4 1 1 1 1))
            (i32x4.shl (i32x4.sub (local.get $nb1) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
        (v128.store offset=16 (i32.add (local.get $y) (local.get $o)) (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $p1))))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))
        (br $pair)))
    ;; --- the last vector when count is an odd number of vectors
    (if (i32.lt_u (local.get $o) (local.get $end))
      (then
        (local.set $t0 (f32x4.min (f32x4.max (f32x4.neg (v128.load (i32.add (local.get $x) (local.get $o)))) (v128.const f32x4 -87.3 -87.3 -87.3 -87.3)) (v128.const f32x4 88.3 88.3 88.3 88.3)))
        (local.set $nb0 (f32x4.add (f32x4.mul (local.get $t0) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504)) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $r0 (f32x4.sub (local.get $t0) (f32x4.mul (f32x4.sub (local.get $nb0) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
        (local.set $p0 (f32x4.add (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $r0)) (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2)))
        (local.set $p0 (f32x4.add (f32x4.mul (local.get $p0) (local.get $r0)) (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1)))
        (local.set $p0 (f32x4.add (f32x4.mul (local.get $p0) (local.get $r0)) (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1)))
        (local.set $p0
          (f32x4.mul
            (f32x4.add (f32x4.add (f32x4.mul (local.get $p0) (f32x4.mul (local.get $r0) (local.get $r0))) (local.get $r0)) (v128.const f32x4 1 1 1 1))
            (i32x4.shl (i32x4.sub (local.get $nb0) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
        (v128.store (i32.add (local.get $y) (local.get $o)) (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $p0))))
))) 

  ;; y = a ⊙ b over `count` floats (a multiple of 4)
  (func (export "mul") (param $a i32) (param $b i32) (param $y i32) (param $count i32)
    (local $o i32) (local $end i32)
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (v128.store (i32.add (local.get $y) (local.get $o))
          (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $o))) (v128.load (i32.add (local.get $b) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $next))))

  ;; A GRU step (ONNX gate order z, r, n) from the pre-activations gx = W·x [3H, lanes] and
  ;; gh = R·h [≥ 2H, lanes], in two kernels. `gates` packs the biases per hidden unit j as four
  ;; floats: [Wbz + Rbz, Wbr + Rbr, Wbn, Rbn].
  ;;
  ;; gruGates: the z and r blocks of gx, in place: gx ← σ(gx + gh + bias).
  (func (export "gruGates") (param $gx i32) (param $gh i32) (param $gates i32) (param $hidden i32) (param $lanes i32)
    (local $f i32) (local $l i32) (local $o i32) (local $b v128)
    (block $done
      (loop $feature
        (br_if $done (i32.ge_u (local.get $f) (i32.shl (local.get $hidden) (i32.const 1))))
        ;; feature f < H is unit f's z, f ≥ H is unit (f − H)'s r
        (local.set $b
          (if (result v128) (i32.lt_u (local.get $f) (local.get $hidden))
            (then (v128.load32_splat (i32.add (local.get $gates) (i32.shl (local.get $f) (i32.const 4)))))
            (else (v128.load32_splat offset=4 (i32.add (local.get $gates) (i32.shl (i32.sub (local.get $f) (local.get $hidden)) (i32.const 4)))))))
        (local.set $l (i32.const 0))
        (block $lanesDone
          (loop $lane
            (br_if $lanesDone (i32.ge_u (local.get $l) (local.get $lanes)))
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $f) (local.get $lanes)) (local.get $l)) (i32.const 2)))
            (v128.store (i32.add (local.get $gx) (local.get $o))
              (f32x4.add (f32x4.add (v128.load (i32.add (local.get $gx) (local.get $o))) (v128.load (i32.add (local.get $gh) (local.get $o)))) (local.get $b)))
            (local.set $l (i32.add (local.get $l) (i32.const 4)))
            (br $lane)))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $feature)))
    (call $sigmoid (local.get $gx) (local.get $gx) (i32.shl (i32.mul (local.get $hidden) (local.get $lanes)) (i32.const 1))))

  ;; gruCandidate: after gruGates, the new hidden state into y [H, lanes] (y must not be h), and
  ;; the candidate n into nOut [H, lanes] unless nOut is 0 (training keeps it for the backward pass):
  ;;   n = tanh(gx_n + Wbn + r ⊙ (gh_n + Rbn))   (lbr = 1, linear_before_reset)
  ;;   n = tanh(gx_n + Wbn + gr + Rbn)           (lbr = 0; gr = (r ⊙ h)·R_nᵀ [H, lanes])
  ;;   y = (1 − z) ⊙ n + z ⊙ h = n + z ⊙ (h − n)
  ;; with tanh(a) = 2σ(2a) − 1, so that σ is the one transcendental kernel.
  (func (export "gruCandidate")
    (param $gx i32) (param $gh i32) (param $gr i32) (param $gates i32) (param $h i32) (param $y i32)
    (param $hidden i32) (param $lanes i32) (param $lbr i32) (param $nOut i32)
    (local $j i32) (local $l i32) (local $o i32) (local $block i32) (local $b i32) (local $pre v128) (local $n v128)
    (local.set $block (i32.shl (i32.mul (local.get $hidden) (local.get $lanes)) (i32.const 2)))
    ;; --- y ← 2·(candidate pre-activation)
    (block $done
      (loop $unit
        (br_if $done (i32.ge_u (local.get $j) (local.get $hidden)))
        (local.set $b (i32.add (local.get $gates) (i32.shl (local.get $j) (i32.const 4))))
        (local.set $l (i32.const 0))
        (block $lanesDone
          (loop $lane
            (br_if $lanesDone (i32.ge_u (local.get $l) (local.get $lanes)))
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $j) (local.get $lanes)) (local.get $l)) (i32.const 2)))
            (local.set $pre
              (f32x4.add
                (f32x4.add
                  (v128.load (i32.add (i32.add (local.get $gx) (i32.shl (local.get $block) (i32.const 1))) (local.get $o)))
                  (v128.load32_splat offset=8 (local.get $b)))
                (if (result v128) (local.get $lbr)
                  (then
                    (f32x4.mul
                      (v128.load (i32.add (i32.add (local.get $gx) (local.get $block)) (local.get $o))) ;; r
                      (f32x4.add
                        (v128.load (i32.add (i32.add (local.get $gh) (i32.shl (local.get $block) (i32.const 1))) (local.get $o)))
                        (v128.load32_splat offset=12 (local.get $b)))))
                  (else
                    (f32x4.add (v128.load (i32.add (local.get $gr) (local.get $o))) (v128.load32_splat offset=12 (local.get $b)))))))
            (v128.store (i32.add (local.get $y) (local.get $o)) (f32x4.add (local.get $pre) (local.get $pre)))
            (local.set $l (i32.add (local.get $l) (i32.const 4)))
            (br $lane)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $unit)))
    (call $sigmoid (local.get $y) (local.get $y) (i32.shr_u (local.get $block) (i32.const 2)))
    ;; --- n = 2σ − 1, y = n + z ⊙ (h − n), elementwise over [H, lanes]
    (local.set $o (i32.const 0))
    (block $combined
      (loop $next
        (br_if $combined (i32.ge_u (local.get $o) (local.get $block)))
        (local.set $n
          (f32x4.sub (f32x4.mul (v128.const f32x4 2 2 2 2) (v128.load (i32.add (local.get $y) (local.get $o)))) (v128.const f32x4 1 1 1 1)))
        (if (local.get $nOut) (then (v128.store (i32.add (local.get $nOut) (local.get $o)) (local.get $n))))
        (v128.store (i32.add (local.get $y) (local.get $o))
          (f32x4.add (local.get $n)
            (f32x4.mul
              (v128.load (i32.add (local.get $gx) (local.get $o))) ;; z
              (f32x4.sub (v128.load (i32.add (local.get $h) (local.get $o))) (local.get $n)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $next))))


  ;; gruStep: gruGates then gruCandidate with lbr = 1 (linear_before_reset) in one pass, for the
  ;; sparse engine: from gx = W·x and gh = R·h ([3H, lanes] each, only read) and the packed biases,
  ;; the new hidden state into y [H, lanes] (y must not be h). Per lane the same operations in the
  ;; same order as those two kernels (σ as $sigmoid computes it), so the same bits, with two
  ;; changes that keep them: σ's clamp uses pmin/pmax, one instruction each in V8 where min/max take
  ;; several (the same results when clamping against constants, NaN too), and σ's first negation
  ;; (t = −x) is carried through its operations instead (u = −t, s = −r: each a + b·t becomes
  ;; a − b·u, exact in IEEE arithmetic), which saves V8's three instructions for a negation.
  ;; - Two units per iteration, their operations interleaved: one unit's step is a chain of two σ
  ;;   (r, then n from r) too long for the CPU to overlap with the next iteration on its own.
  ;; - Only the first `batch` lanes are needed: when batch leaves one row in the last vector
  ;;   (batch = 4m + 1, as 5 agents in 8 lanes), that row of four units at a time is gathered into
  ;;   one vector, so the padded lanes cost a quarter of a vector per unit instead of three quarters
  ;;   (their y lanes are then not written).
  (func (export "gruStep")
    (param $gx i32) (param $gh i32) (param $gates i32) (param $h i32) (param $y i32) (param $hidden i32)
    (param $batch i32) (param $lanes i32)
    (local $j i32) (local $l i32) (local $o i32) (local $oB i32) (local $block i32) (local $b i32) (local $full i32) (local $u i32)
    (local $row i32) (local $row2 i32) (local $row3 i32) (local $gx1 i32) (local $gx2 i32) (local $gh1 i32) (local $gh2 i32)
    (local $t v128) (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128)
    (local $xzA v128) (local $hzA v128) (local $xrA v128) (local $hrA v128) (local $xnA v128) (local $hnA v128) (local $hvA v128) (local $bzA v128) (local $brA v128) (local $bnA v128) (local $bhnA v128) (local $zA v128) (local $rA v128) (local $nA v128) (local $preA v128) (local $outA v128) (local $tzA v128) (local $nbzA v128) (local $rzA v128) (local $pzA v128) (local $trA v128) (local $nbrA v128) (local $rrA v128) (local $prA v128)
    (local $xzB v128) (local $hzB v128) (local $xrB v128) (local $hrB v128) (local $xnB v128) (local $hnB v128) (local $hvB v128) (local $bzB v128) (local $brB v128) (local $bnB v128) (local $bhnB v128) (local $zB v128) (local $rB v128) (local $nB v128) (local $preB v128) (local $outB v128) (local $tzB v128) (local $nbzB v128) (local $rzB v128) (local $pzB v128) (local $trB v128) (local $nbrB v128) (local $rrB v128) (local $prB v128)
    (local.set $block (i32.shl (i32.mul (local.get $hidden) (local.get $lanes)) (i32.const 2)))
    (local.set $gx1 (i32.add (local.get $gx) (local.get $block)))
    (local.set $gx2 (i32.add (local.get $gx1) (local.get $block)))
    (local.set $gh1 (i32.add (local.get $gh) (local.get $block)))
    (local.set $gh2 (i32.add (local.get $gh1) (local.get $block)))
    (local.set $row (i32.shl (local.get $lanes) (i32.const 2)))
    (local.set $row2 (i32.shl (local.get $row) (i32.const 1)))
    (local.set $row3 (i32.add (local.get $row2) (local.get $row)))
    ;; lanes computed per unit: all, or all but the last vector when it holds one row
    (local.set $full (select (i32.sub (local.get $lanes) (i32.const 4)) (local.get $lanes) (i32.eq (i32.and (local.get $batch) (i32.const 3)) (i32.const 1))))
    (block $pairsDone
      (loop $pair
        (br_if $pairsDone (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $hidden)))
        (local.set $b (i32.add (local.get $gates) (i32.shl (local.get $j) (i32.const 4))))
        (local.set $bzA (v128.load32_splat (local.get $b)))
        (local.set $brA (v128.load32_splat offset=4 (local.get $b)))
        (local.set $bnA (v128.load32_splat offset=8 (local.get $b)))
        (local.set $bhnA (v128.load32_splat offset=12 (local.get $b)))
        (local.set $b (i32.add (local.get $gates) (i32.shl (i32.add (local.get $j) (i32.const 1)) (i32.const 4))))
        (local.set $bzB (v128.load32_splat (local.get $b)))
        (local.set $brB (v128.load32_splat offset=4 (local.get $b)))
        (local.set $bnB (v128.load32_splat offset=8 (local.get $b)))
        (local.set $bhnB (v128.load32_splat offset=12 (local.get $b)))
        ;; units of a group of four without all four compute their last vector whole
        (local.set $u (select (local.get $lanes) (local.get $full) (i32.gt_u (i32.add (i32.and (local.get $j) (i32.const -4)) (i32.const 4)) (local.get $hidden))))
        (local.set $l (i32.const 0))
        (block $lanesDone
          (loop $lane
            (br_if $lanesDone (i32.ge_u (local.get $l) (local.get $u)))
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $j) (local.get $lanes)) (local.get $l)) (i32.const 2)))
            (local.set $oB (i32.add (local.get $o) (local.get $row)))
            (local.set $xzA (v128.load (i32.add (local.get $gx) (local.get $o))))
            (local.set $hzA (v128.load (i32.add (local.get $gh) (local.get $o))))
            (local.set $xrA (v128.load (i32.add (local.get $gx1) (local.get $o))))
            (local.set $hrA (v128.load (i32.add (local.get $gh1) (local.get $o))))
            (local.set $xnA (v128.load (i32.add (local.get $gx2) (local.get $o))))
            (local.set $hnA (v128.load (i32.add (local.get $gh2) (local.get $o))))
            (local.set $hvA (v128.load (i32.add (local.get $h) (local.get $o))))
            (local.set $xzB (v128.load (i32.add (local.get $gx) (local.get $oB))))
            (local.set $hzB (v128.load (i32.add (local.get $gh) (local.get $oB))))
            (local.set $xrB (v128.load (i32.add (local.get $gx1) (local.get $oB))))
            (local.set $hrB (v128.load (i32.add (local.get $gh1) (local.get $oB))))
            (local.set $xnB (v128.load (i32.add (local.get $gx2) (local.get $oB))))
            (local.set $hnB (v128.load (i32.add (local.get $gh2) (local.get $oB))))
            (local.set $hvB (v128.load (i32.add (local.get $h) (local.get $oB))))
            ;; z = σ(gx_z + gh_z + b_z), r = σ(gx_r + gh_r + b_r)
            (local.set $tzA (f32x4.pmin (f32x4.pmax (f32x4.add (f32x4.add (local.get $xzA) (local.get $hzA)) (local.get $bzA)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $tzB (f32x4.pmin (f32x4.pmax (f32x4.add (f32x4.add (local.get $xzB) (local.get $hzB)) (local.get $bzB)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $trA (f32x4.pmin (f32x4.pmax (f32x4.add (f32x4.add (local.get $xrA) (local.get $hrA)) (local.get $brA)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $trB (f32x4.pmin (f32x4.pmax (f32x4.add (f32x4.add (local.get $xrB) (local.get $hrB)) (local.get $brB)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $nbzA (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $tzA) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $nbzB (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $tzB) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $nbrA (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $trA) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $nbrB (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $trB) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $rzA (f32x4.add (local.get $tzA) (f32x4.mul (f32x4.sub (local.get $nbzA) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $rzB (f32x4.add (local.get $tzB) (f32x4.mul (f32x4.sub (local.get $nbzB) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $rrA (f32x4.add (local.get $trA) (f32x4.mul (f32x4.sub (local.get $nbrA) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $rrB (f32x4.add (local.get $trB) (f32x4.mul (f32x4.sub (local.get $nbrB) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rzA))))
            (local.set $pzB (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rzB))))
            (local.set $prA (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rrA))))
            (local.set $prB (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rrB))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $pzA) (local.get $rzA))))
            (local.set $pzB (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $pzB) (local.get $rzB))))
            (local.set $prA (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $prA) (local.get $rrA))))
            (local.set $prB (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $prB) (local.get $rrB))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $pzA) (local.get $rzA))))
            (local.set $pzB (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $pzB) (local.get $rzB))))
            (local.set $prA (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $prA) (local.get $rrA))))
            (local.set $prB (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $prB) (local.get $rrB))))
            (local.set $pzA (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $pzA) (f32x4.mul (local.get $rzA) (local.get $rzA))) (local.get $rzA)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbzA) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $pzB (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $pzB) (f32x4.mul (local.get $rzB) (local.get $rzB))) (local.get $rzB)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbzB) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $prA (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $prA) (f32x4.mul (local.get $rrA) (local.get $rrA))) (local.get $rrA)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbrA) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $prB (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $prB) (f32x4.mul (local.get $rrB) (local.get $rrB))) (local.get $rrB)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbrB) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $zA (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $pzA))))
            (local.set $zB (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $pzB))))
            (local.set $rA (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $prA))))
            (local.set $rB (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $prB))))
            ;; n = 2σ(2·pre) − 1 = tanh(pre), pre = gx_n + Wbn + r ⊙ (gh_n + Rbn); y = n + z ⊙ (h − n)
            (local.set $preA (f32x4.add (f32x4.add (local.get $xnA) (local.get $bnA)) (f32x4.mul (local.get $rA) (f32x4.add (local.get $hnA) (local.get $bhnA)))))
            (local.set $preB (f32x4.add (f32x4.add (local.get $xnB) (local.get $bnB)) (f32x4.mul (local.get $rB) (f32x4.add (local.get $hnB) (local.get $bhnB)))))
            (local.set $tzA (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $preA) (local.get $preA)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $tzB (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $preB) (local.get $preB)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $nbzA (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $tzA) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $nbzB (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $tzB) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $rzA (f32x4.add (local.get $tzA) (f32x4.mul (f32x4.sub (local.get $nbzA) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $rzB (f32x4.add (local.get $tzB) (f32x4.mul (f32x4.sub (local.get $nbzB) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rzA))))
            (local.set $pzB (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rzB))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $pzA) (local.get $rzA))))
            (local.set $pzB (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $pzB) (local.get $rzB))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $pzA) (local.get $rzA))))
            (local.set $pzB (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $pzB) (local.get $rzB))))
            (local.set $pzA (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $pzA) (f32x4.mul (local.get $rzA) (local.get $rzA))) (local.get $rzA)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbzA) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $pzB (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $pzB) (f32x4.mul (local.get $rzB) (local.get $rzB))) (local.get $rzB)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbzB) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $nA (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $pzA))))
            (local.set $nB (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $pzB))))
            (local.set $nA (f32x4.sub (f32x4.mul (v128.const f32x4 2 2 2 2) (local.get $nA)) (v128.const f32x4 1 1 1 1)))
            (local.set $outA (f32x4.add (local.get $nA) (f32x4.mul (local.get $zA) (f32x4.sub (local.get $hvA) (local.get $nA)))))
            (local.set $nB (f32x4.sub (f32x4.mul (v128.const f32x4 2 2 2 2) (local.get $nB)) (v128.const f32x4 1 1 1 1)))
            (local.set $outB (f32x4.add (local.get $nB) (f32x4.mul (local.get $zB) (f32x4.sub (local.get $hvB) (local.get $nB)))))
            (v128.store (i32.add (local.get $y) (local.get $o)) (local.get $outA))
            (v128.store (i32.add (local.get $y) (local.get $oB)) (local.get $outB))
            (local.set $l (i32.add (local.get $l) (i32.const 4)))
            (br $lane)))
        ;; --- after the last two units of a group, the group's one-row last vectors as one vector
        (if (i32.and (i32.ne (local.get $u) (local.get $lanes)) (i32.eq (i32.and (local.get $j) (i32.const 3)) (i32.const 2)))
          (then
            (local.set $o (i32.shl (i32.add (i32.mul (i32.sub (local.get $j) (i32.const 2)) (local.get $lanes)) (local.get $full)) (i32.const 2)))
            (local.set $xzA (v128.load32_lane 3 (i32.add (i32.add (local.get $gx) (local.get $o)) (local.get $row3))
              (v128.load32_lane 2 (i32.add (i32.add (local.get $gx) (local.get $o)) (local.get $row2))
                (v128.load32_lane 1 (i32.add (i32.add (local.get $gx) (local.get $o)) (local.get $row))
                  (v128.load32_zero (i32.add (local.get $gx) (local.get $o)))))))
            (local.set $hzA (v128.load32_lane 3 (i32.add (i32.add (local.get $gh) (local.get $o)) (local.get $row3))
              (v128.load32_lane 2 (i32.add (i32.add (local.get $gh) (local.get $o)) (local.get $row2))
                (v128.load32_lane 1 (i32.add (i32.add (local.get $gh) (local.get $o)) (local.get $row))
                  (v128.load32_zero (i32.add (local.get $gh) (local.get $o)))))))
            (local.set $xrA (v128.load32_lane 3 (i32.add (i32.add (local.get $gx1) (local.get $o)) (local.get $row3))
              (v128.load32_lane 2 (i32.add (i32.add (local.get $gx1) (local.get $o)) (local.get $row2))
                (v128.load32_lane 1 (i32.add (i32.add (local.get $gx1) (local.get $o)) (local.get $row))
                  (v128.load32_zero (i32.add (local.get $gx1) (local.get $o)))))))
            (local.set $hrA (v128.load32_lane 3 (i32.add (i32.add (local.get $gh1) (local.get $o)) (local.get $row3))
              (v128.load32_lane 2 (i32.add (i32.add (local.get $gh1) (local.get $o)) (local.get $row2))
                (v128.load32_lane 1 (i32.add (i32.add (local.get $gh1) (local.get $o)) (local.get $row))
                  (v128.load32_zero (i32.add (local.get $gh1) (local.get $o)))))))
            (local.set $xnA (v128.load32_lane 3 (i32.add (i32.add (local.get $gx2) (local.get $o)) (local.get $row3))
              (v128.load32_lane 2 (i32.add (i32.add (local.get $gx2) (local.get $o)) (local.get $row2))
                (v128.load32_lane 1 (i32.add (i32.add (local.get $gx2) (local.get $o)) (local.get $row))
                  (v128.load32_zero (i32.add (local.get $gx2) (local.get $o)))))))
            (local.set $hnA (v128.load32_lane 3 (i32.add (i32.add (local.get $gh2) (local.get $o)) (local.get $row3))
              (v128.load32_lane 2 (i32.add (i32.add (local.get $gh2) (local.get $o)) (local.get $row2))
                (v128.load32_lane 1 (i32.add (i32.add (local.get $gh2) (local.get $o)) (local.get $row))
                  (v128.load32_zero (i32.add (local.get $gh2) (local.get $o)))))))
            (local.set $hvA (v128.load32_lane 3 (i32.add (i32.add (local.get $h) (local.get $o)) (local.get $row3))
              (v128.load32_lane 2 (i32.add (i32.add (local.get $h) (local.get $o)) (local.get $row2))
                (v128.load32_lane 1 (i32.add (i32.add (local.get $h) (local.get $o)) (local.get $row))
                  (v128.load32_zero (i32.add (local.get $h) (local.get $o)))))))
            ;; the four units' biases [4 units × (bz, br, bn, bhn)], transposed to one vector per bias
            (local.set $b (i32.add (local.get $gates) (i32.shl (i32.sub (local.get $j) (i32.const 2)) (i32.const 4))))
            (local.set $q0 (v128.load (local.get $b)))
            (local.set $q1 (v128.load offset=16 (local.get $b)))
            (local.set $q2 (v128.load offset=32 (local.get $b)))
            (local.set $q3 (v128.load offset=48 (local.get $b)))
            (local.set $t (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $q0) (local.get $q1)))
            (local.set $q1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $q0) (local.get $q1)))
            (local.set $q0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $q2) (local.get $q3)))
            (local.set $q3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $q2) (local.get $q3)))
            (local.set $bzA (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t) (local.get $q0)))
            (local.set $brA (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t) (local.get $q0)))
            (local.set $bnA (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $q1) (local.get $q3)))
            (local.set $bhnA (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $q1) (local.get $q3)))
            ;; z = σ(gx_z + gh_z + b_z), r = σ(gx_r + gh_r + b_r)
            (local.set $tzA (f32x4.pmin (f32x4.pmax (f32x4.add (f32x4.add (local.get $xzA) (local.get $hzA)) (local.get $bzA)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $trA (f32x4.pmin (f32x4.pmax (f32x4.add (f32x4.add (local.get $xrA) (local.get $hrA)) (local.get $brA)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $nbzA (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $tzA) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $nbrA (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $trA) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $rzA (f32x4.add (local.get $tzA) (f32x4.mul (f32x4.sub (local.get $nbzA) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $rrA (f32x4.add (local.get $trA) (f32x4.mul (f32x4.sub (local.get $nbrA) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rzA))))
            (local.set $prA (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rrA))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $pzA) (local.get $rzA))))
            (local.set $prA (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $prA) (local.get $rrA))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $pzA) (local.get $rzA))))
            (local.set $prA (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $prA) (local.get $rrA))))
            (local.set $pzA (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $pzA) (f32x4.mul (local.get $rzA) (local.get $rzA))) (local.get $rzA)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbzA) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $prA (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $prA) (f32x4.mul (local.get $rrA) (local.get $rrA))) (local.get $rrA)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbrA) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $zA (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $pzA))))
            (local.set $rA (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $prA))))
            ;; n = 2σ(2·pre) − 1 = tanh(pre), pre = gx_n + Wbn + r ⊙ (gh_n + Rbn); y = n + z ⊙ (h − n)
            (local.set $preA (f32x4.add (f32x4.add (local.get $xnA) (local.get $bnA)) (f32x4.mul (local.get $rA) (f32x4.add (local.get $hnA) (local.get $bhnA)))))
            (local.set $tzA (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $preA) (local.get $preA)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $nbzA (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $tzA) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $rzA (f32x4.add (local.get $tzA) (f32x4.mul (f32x4.sub (local.get $nbzA) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rzA))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $pzA) (local.get $rzA))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $pzA) (local.get $rzA))))
            (local.set $pzA (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $pzA) (f32x4.mul (local.get $rzA) (local.get $rzA))) (local.get $rzA)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbzA) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $nA (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $pzA))))
            (local.set $nA (f32x4.sub (f32x4.mul (v128.const f32x4 2 2 2 2) (local.get $nA)) (v128.const f32x4 1 1 1 1)))
            (local.set $outA (f32x4.add (local.get $nA) (f32x4.mul (local.get $zA) (f32x4.sub (local.get $hvA) (local.get $nA)))))
            (v128.store32_lane 0 (i32.add (local.get $y) (local.get $o)) (local.get $outA))
            (v128.store32_lane 1 (i32.add (i32.add (local.get $y) (local.get $o)) (local.get $row)) (local.get $outA))
            (v128.store32_lane 2 (i32.add (i32.add (local.get $y) (local.get $o)) (local.get $row2)) (local.get $outA))
            (v128.store32_lane 3 (i32.add (i32.add (local.get $y) (local.get $o)) (local.get $row3)) (local.get $outA))))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $pair)))
    ;; --- the last unit of an odd hidden size, whole (it is in a group of fewer than four)
    (if (i32.lt_u (local.get $j) (local.get $hidden))
      (then
        (local.set $b (i32.add (local.get $gates) (i32.shl (local.get $j) (i32.const 4))))
        (local.set $bzA (v128.load32_splat (local.get $b)))
        (local.set $brA (v128.load32_splat offset=4 (local.get $b)))
        (local.set $bnA (v128.load32_splat offset=8 (local.get $b)))
        (local.set $bhnA (v128.load32_splat offset=12 (local.get $b)))
        (local.set $l (i32.const 0))
        (block $lastDone
          (loop $last
            (br_if $lastDone (i32.ge_u (local.get $l) (local.get $lanes)))
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $j) (local.get $lanes)) (local.get $l)) (i32.const 2)))
            (local.set $xzA (v128.load (i32.add (local.get $gx) (local.get $o))))
            (local.set $hzA (v128.load (i32.add (local.get $gh) (local.get $o))))
            (local.set $xrA (v128.load (i32.add (local.get $gx1) (local.get $o))))
            (local.set $hrA (v128.load (i32.add (local.get $gh1) (local.get $o))))
            (local.set $xnA (v128.load (i32.add (local.get $gx2) (local.get $o))))
            (local.set $hnA (v128.load (i32.add (local.get $gh2) (local.get $o))))
            (local.set $hvA (v128.load (i32.add (local.get $h) (local.get $o))))
            ;; z = σ(gx_z + gh_z + b_z), r = σ(gx_r + gh_r + b_r)
            (local.set $tzA (f32x4.pmin (f32x4.pmax (f32x4.add (f32x4.add (local.get $xzA) (local.get $hzA)) (local.get $bzA)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $trA (f32x4.pmin (f32x4.pmax (f32x4.add (f32x4.add (local.get $xrA) (local.get $hrA)) (local.get $brA)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $nbzA (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $tzA) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $nbrA (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $trA) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $rzA (f32x4.add (local.get $tzA) (f32x4.mul (f32x4.sub (local.get $nbzA) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $rrA (f32x4.add (local.get $trA) (f32x4.mul (f32x4.sub (local.get $nbrA) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rzA))))
            (local.set $prA (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rrA))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $pzA) (local.get $rzA))))
            (local.set $prA (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $prA) (local.get $rrA))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $pzA) (local.get $rzA))))
            (local.set $prA (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $prA) (local.get $rrA))))
            (local.set $pzA (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $pzA) (f32x4.mul (local.get $rzA) (local.get $rzA))) (local.get $rzA)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbzA) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $prA (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $prA) (f32x4.mul (local.get $rrA) (local.get $rrA))) (local.get $rrA)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbrA) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $zA (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $pzA))))
            (local.set $rA (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $prA))))
            ;; n = 2σ(2·pre) − 1 = tanh(pre), pre = gx_n + Wbn + r ⊙ (gh_n + Rbn); y = n + z ⊙ (h − n)
            (local.set $preA (f32x4.add (f32x4.add (local.get $xnA) (local.get $bnA)) (f32x4.mul (local.get $rA) (f32x4.add (local.get $hnA) (local.get $bhnA)))))
            (local.set $tzA (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $preA) (local.get $preA)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $nbzA (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $tzA) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $rzA (f32x4.add (local.get $tzA) (f32x4.mul (f32x4.sub (local.get $nbzA) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rzA))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $pzA) (local.get $rzA))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $pzA) (local.get $rzA))))
            (local.set $pzA (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $pzA) (f32x4.mul (local.get $rzA) (local.get $rzA))) (local.get $rzA)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbzA) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $nA (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $pzA))))
            (local.set $nA (f32x4.sub (f32x4.mul (v128.const f32x4 2 2 2 2) (local.get $nA)) (v128.const f32x4 1 1 1 1)))
            (local.set $outA (f32x4.add (local.get $nA) (f32x4.mul (local.get $zA) (f32x4.sub (local.get $hvA) (local.get $nA)))))
            (v128.store (i32.add (local.get $y) (local.get $o)) (local.get $outA))
            (local.set $l (i32.add (local.get $l) (i32.const 4)))
            (br $last))))))

  ;; gruForward: gruGates then gruCandidate (lbr = 1, linear_before_reset) in one pass, for training:
  ;; from gx = W·x and gh = R·h ([3H, lanes] each) and the packed biases, z and r into gx's first two
  ;; blocks (as gruGates leaves them), n into nOut [H, lanes] unless nOut is 0, and the new hidden
  ;; state into y [H, lanes] (y must not be h); gx's third block and gh are only read. Per lane the
  ;; operations of gruStep (σ's clamp with pmin/pmax, its negation carried through), so the same
  ;; bits as those two kernels in every lane, padded lanes included. Two vectors of a unit per
  ;; iteration, interleaved: one vector's step is a chain of two σ (r, then n from r) too long for
  ;; the CPU to overlap with the next on its own. One pass instead of five over [H, lanes] blocks.
  (func (export "gruForward")
    (param $gx i32) (param $gh i32) (param $gates i32) (param $h i32) (param $y i32) (param $hidden i32)
    (param $lanes i32) (param $nOut i32)
    (local $j i32) (local $l i32) (local $o i32) (local $oB i32) (local $block i32) (local $b i32)
    (local $gx1 i32) (local $gx2 i32) (local $gh1 i32) (local $gh2 i32)
    (local $bz v128) (local $br v128) (local $bn v128) (local $bhn v128)
    (local $zA v128) (local $tzA v128) (local $nbzA v128) (local $rzA v128) (local $pzA v128) (local $rA v128) (local $trA v128) (local $nbrA v128) (local $rrA v128) (local $prA v128) (local $nA v128) (local $tnA v128) (local $nbnA v128) (local $rnA v128) (local $pnA v128) (local $preA v128) (local $zB v128) (local $tzB v128) (local $nbzB v128) (local $rzB v128) (local $pzB v128) (local $rB v128) (local $trB v128) (local $nbrB v128) (local $rrB v128) (local $prB v128) (local $nB v128) (local $tnB v128) (local $nbnB v128) (local $rnB v128) (local $pnB v128) (local $preB v128)
    (local.set $block (i32.shl (i32.mul (local.get $hidden) (local.get $lanes)) (i32.const 2)))
    (local.set $gx1 (i32.add (local.get $gx) (local.get $block)))
    (local.set $gx2 (i32.add (local.get $gx1) (local.get $block)))
    (local.set $gh1 (i32.add (local.get $gh) (local.get $block)))
    (local.set $gh2 (i32.add (local.get $gh1) (local.get $block)))
    (block $done
      (loop $unit
        (br_if $done (i32.ge_u (local.get $j) (local.get $hidden)))
        (local.set $b (i32.add (local.get $gates) (i32.shl (local.get $j) (i32.const 4))))
        (local.set $bz (v128.load32_splat (local.get $b)))
        (local.set $br (v128.load32_splat offset=4 (local.get $b)))
        (local.set $bn (v128.load32_splat offset=8 (local.get $b)))
        (local.set $bhn (v128.load32_splat offset=12 (local.get $b)))
        (local.set $l (i32.const 0))
        ;; --- two vectors (eight lanes) per pass
        (block $pairsDone
          (loop $pair
            (br_if $pairsDone (i32.gt_u (i32.add (local.get $l) (i32.const 8)) (local.get $lanes)))
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $j) (local.get $lanes)) (local.get $l)) (i32.const 2)))
            (local.set $oB (i32.add (local.get $o) (i32.const 16)))
            ;; z = σ(gx_z + gh_z + b_z), r = σ(gx_r + gh_r + b_r)
            (local.set $tzA (f32x4.pmin (f32x4.pmax (f32x4.add (f32x4.add (v128.load (i32.add (local.get $gx) (local.get $o))) (v128.load (i32.add (local.get $gh) (local.get $o)))) (local.get $bz)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $tzB (f32x4.pmin (f32x4.pmax (f32x4.add (f32x4.add (v128.load (i32.add (local.get $gx) (local.get $oB))) (v128.load (i32.add (local.get $gh) (local.get $oB)))) (local.get $bz)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $nbzA (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $tzA) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $nbzB (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $tzB) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $rzA (f32x4.add (local.get $tzA) (f32x4.mul (f32x4.sub (local.get $nbzA) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $rzB (f32x4.add (local.get $tzB) (f32x4.mul (f32x4.sub (local.get $nbzB) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rzA))))
            (local.set $pzB (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rzB))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $pzA) (local.get $rzA))))
            (local.set $pzB (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $pzB) (local.get $rzB))))
            (local.set $pzA (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $pzA) (local.get $rzA))))
            (local.set $pzB (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $pzB) (local.get $rzB))))
            (local.set $pzA (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $pzA) (f32x4.mul (local.get $rzA) (local.get $rzA))) (local.get $rzA)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbzA) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $pzB (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $pzB) (f32x4.mul (local.get $rzB) (local.get $rzB))) (local.get $rzB)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbzB) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $zA (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $pzA))))
            (local.set $zB (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $pzB))))
            (local.set $trA (f32x4.pmin (f32x4.pmax (f32x4.add (f32x4.add (v128.load (i32.add (local.get $gx1) (local.get $o))) (v128.load (i32.add (local.get $gh1) (local.get $o)))) (local.get $br)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $trB (f32x4.pmin (f32x4.pmax (f32x4.add (f32x4.add (v128.load (i32.add (local.get $gx1) (local.get $oB))) (v128.load (i32.add (local.get $gh1) (local.get $oB)))) (local.get $br)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $nbrA (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $trA) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $nbrB (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $trB) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $rrA (f32x4.add (local.get $trA) (f32x4.mul (f32x4.sub (local.get $nbrA) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $rrB (f32x4.add (local.get $trB) (f32x4.mul (f32x4.sub (local.get $nbrB) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $prA (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rrA))))
            (local.set $prB (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rrB))))
            (local.set $prA (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $prA) (local.get $rrA))))
            (local.set $prB (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $prB) (local.get $rrB))))
            (local.set $prA (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $prA) (local.get $rrA))))
            (local.set $prB (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $prB) (local.get $rrB))))
            (local.set $prA (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $prA) (f32x4.mul (local.get $rrA) (local.get $rrA))) (local.get $rrA)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbrA) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $prB (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $prB) (f32x4.mul (local.get $rrB) (local.get $rrB))) (local.get $rrB)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbrB) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $rA (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $prA))))
            (local.set $rB (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $prB))))
            ;; n = 2σ(2·pre) − 1 = tanh(pre), pre = gx_n + Wbn + r ⊙ (gh_n + Rbn); y = n + z ⊙ (h − n)
            (local.set $preA (f32x4.add (f32x4.add (v128.load (i32.add (local.get $gx2) (local.get $o))) (local.get $bn)) (f32x4.mul (local.get $rA) (f32x4.add (v128.load (i32.add (local.get $gh2) (local.get $o))) (local.get $bhn)))))
            (local.set $preB (f32x4.add (f32x4.add (v128.load (i32.add (local.get $gx2) (local.get $oB))) (local.get $bn)) (f32x4.mul (local.get $rB) (f32x4.add (v128.load (i32.add (local.get $gh2) (local.get $oB))) (local.get $bhn)))))
            (local.set $tnA (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $preA) (local.get $preA)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $tnB (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $preB) (local.get $preB)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
            (local.set $nbnA (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $tnA) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $nbnB (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $tnB) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
            (local.set $rnA (f32x4.add (local.get $tnA) (f32x4.mul (f32x4.sub (local.get $nbnA) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $rnB (f32x4.add (local.get $tnB) (f32x4.mul (f32x4.sub (local.get $nbnB) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
            (local.set $pnA (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rnA))))
            (local.set $pnB (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rnB))))
            (local.set $pnA (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $pnA) (local.get $rnA))))
            (local.set $pnB (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $pnB) (local.get $rnB))))
            (local.set $pnA (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $pnA) (local.get $rnA))))
            (local.set $pnB (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $pnB) (local.get $rnB))))
            (local.set $pnA (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $pnA) (f32x4.mul (local.get $rnA) (local.get $rnA))) (local.get $rnA)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbnA) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $pnB (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $pnB) (f32x4.mul (local.get $rnB) (local.get $rnB))) (local.get $rnB)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbnB) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
            (local.set $nA (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $pnA))))
            (local.set $nB (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $pnB))))
            (local.set $nA (f32x4.sub (f32x4.mul (v128.const f32x4 2 2 2 2) (local.get $nA)) (v128.const f32x4 1 1 1 1)))
            (local.set $nB (f32x4.sub (f32x4.mul (v128.const f32x4 2 2 2 2) (local.get $nB)) (v128.const f32x4 1 1 1 1)))
            (v128.store (i32.add (local.get $y) (local.get $o)) (f32x4.add (local.get $nA) (f32x4.mul (local.get $zA) (f32x4.sub (v128.load (i32.add (local.get $h) (local.get $o))) (local.get $nA)))))
            (v128.store (i32.add (local.get $y) (local.get $oB)) (f32x4.add (local.get $nB) (f32x4.mul (local.get $zB) (f32x4.sub (v128.load (i32.add (local.get $h) (local.get $oB))) (local.get $nB)))))
            (v128.store (i32.add (local.get $gx) (local.get $o)) (local.get $zA))
            (v128.store (i32.add (local.get $gx) (local.get $oB)) (local.get $zB))
            (v128.store (i32.add (local.get $gx1) (local.get $o)) (local.get $rA))
            (v128.store (i32.add (local.get $gx1) (local.get $oB)) (local.get $rB))
            (if (local.get $nOut) (then (v128.store (i32.add (local.get $nOut) (local.get $o)) (local.get $nA))))
            (if (local.get $nOut) (then (v128.store (i32.add (local.get $nOut) (local.get $oB)) (local.get $nB))))
            (local.set $l (i32.add (local.get $l) (i32.const 8)))
            (br $pair)))
        ;; --- the last vector when lanes is an odd number of vectors
        (if (i32.lt_u (local.get $l) (local.get $lanes))
          (then
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $j) (local.get $lanes)) (local.get $l)) (i32.const 2)))
              ;; z = σ(gx_z + gh_z + b_z), r = σ(gx_r + gh_r + b_r)
              (local.set $tzA (f32x4.pmin (f32x4.pmax (f32x4.add (f32x4.add (v128.load (i32.add (local.get $gx) (local.get $o))) (v128.load (i32.add (local.get $gh) (local.get $o)))) (local.get $bz)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
              (local.set $nbzA (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $tzA) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
              (local.set $rzA (f32x4.add (local.get $tzA) (f32x4.mul (f32x4.sub (local.get $nbzA) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
              (local.set $pzA (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rzA))))
              (local.set $pzA (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $pzA) (local.get $rzA))))
              (local.set $pzA (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $pzA) (local.get $rzA))))
              (local.set $pzA (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $pzA) (f32x4.mul (local.get $rzA) (local.get $rzA))) (local.get $rzA)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbzA) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
              (local.set $zA (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $pzA))))
              (local.set $trA (f32x4.pmin (f32x4.pmax (f32x4.add (f32x4.add (v128.load (i32.add (local.get $gx1) (local.get $o))) (v128.load (i32.add (local.get $gh1) (local.get $o)))) (local.get $br)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
              (local.set $nbrA (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $trA) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
              (local.set $rrA (f32x4.add (local.get $trA) (f32x4.mul (f32x4.sub (local.get $nbrA) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
              (local.set $prA (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rrA))))
              (local.set $prA (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $prA) (local.get $rrA))))
              (local.set $prA (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $prA) (local.get $rrA))))
              (local.set $prA (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $prA) (f32x4.mul (local.get $rrA) (local.get $rrA))) (local.get $rrA)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbrA) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
              (local.set $rA (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $prA))))
              ;; n = 2σ(2·pre) − 1 = tanh(pre), pre = gx_n + Wbn + r ⊙ (gh_n + Rbn); y = n + z ⊙ (h − n)
              (local.set $preA (f32x4.add (f32x4.add (v128.load (i32.add (local.get $gx2) (local.get $o))) (local.get $bn)) (f32x4.mul (local.get $rA) (f32x4.add (v128.load (i32.add (local.get $gh2) (local.get $o))) (local.get $bhn)))))
              (local.set $tnA (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $preA) (local.get $preA)) (v128.const f32x4 -88.3 -88.3 -88.3 -88.3)) (v128.const f32x4 87.3 87.3 87.3 87.3)))
              (local.set $nbnA (f32x4.sub (v128.const f32x4 12582912 12582912 12582912 12582912) (f32x4.mul (local.get $tnA) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
              (local.set $rnA (f32x4.add (local.get $tnA) (f32x4.mul (f32x4.sub (local.get $nbnA) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
              (local.set $pnA (f32x4.sub (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2) (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $rnA))))
              (local.set $pnA (f32x4.sub (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1) (f32x4.mul (local.get $pnA) (local.get $rnA))))
              (local.set $pnA (f32x4.sub (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1) (f32x4.mul (local.get $pnA) (local.get $rnA))))
              (local.set $pnA (f32x4.mul (f32x4.add (f32x4.sub (f32x4.mul (local.get $pnA) (f32x4.mul (local.get $rnA) (local.get $rnA))) (local.get $rnA)) (v128.const f32x4 1 1 1 1)) (i32x4.shl (i32x4.sub (local.get $nbnA) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
              (local.set $nA (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $pnA))))
              (local.set $nA (f32x4.sub (f32x4.mul (v128.const f32x4 2 2 2 2) (local.get $nA)) (v128.const f32x4 1 1 1 1)))
              (v128.store (i32.add (local.get $y) (local.get $o)) (f32x4.add (local.get $nA) (f32x4.mul (local.get $zA) (f32x4.sub (v128.load (i32.add (local.get $h) (local.get $o))) (local.get $nA)))))
              (v128.store (i32.add (local.get $gx) (local.get $o)) (local.get $zA))
              (v128.store (i32.add (local.get $gx1) (local.get $o)) (local.get $rA))
              (if (local.get $nOut) (then (v128.store (i32.add (local.get $nOut) (local.get $o)) (local.get $nA))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $unit))))

  ;; 1 when the `count` floats at x are all finite, else 0 (a NaN or ±Inf among them): x − x is 0
  ;; for a finite x and NaN otherwise, and a sum stays NaN once it is. For the sparse engine's input
  ;; checks (the caller looks for the position only when this says there is one).
  (func (export "allFinite") (param $x i32) (param $count i32) (result i32)
    (local $o i32) (local $end i32) (local $v v128) (local $acc0 v128) (local $acc1 v128) (local $s f32)
    (local.set $end (i32.shl (i32.and (local.get $count) (i32.const -8)) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $v (v128.load (i32.add (local.get $x) (local.get $o))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.sub (local.get $v) (local.get $v))))
        (local.set $v (v128.load offset=16 (i32.add (local.get $x) (local.get $o))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.sub (local.get $v) (local.get $v))))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))
        (br $next)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $s (f32.load (i32.add (local.get $x) (local.get $o))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.splat (f32.sub (local.get $s) (local.get $s)))))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br $tail)))
    (local.set $acc0 (f32x4.add (local.get $acc0) (local.get $acc1)))
    (i32x4.all_true (f32x4.eq (local.get $acc0) (local.get $acc0))))
  ;; ---------------------------------------------------------------------------------------------
  ;; Backward kernels (training). Lanes are agents × episodes; padded lanes carry zero gradients.

  ;; spmmT's product one row at a time (for matrices that are not dense, and rows past the last
  ;; block of four): two entries at a time (their columns differ, so they add into two rows of y; each
  ;; load of x serves both), then the last one; lanes two vectors per step where they can (the
  ;; loads, multiply-adds and stores of the two are independent), then one. Each y value gets the
  ;; same multiply-adds in the same order as one entry at a time.
  (func $spmmTRows
    (param $rowStart i32) (param $col i32) (param $val i32) (param $rows i32)
    (param $x i32) (param $y i32) (param $lanes i32)
    (local $stride i32) (local $pairEnd i32) (local $r i32) (local $k i32) (local $end i32) (local $w v128) (local $xp i32) (local $yp i32) (local $o i32)
    (local $w1 v128) (local $yp1 i32) (local $x0 v128) (local $x1 v128)
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    (local.set $pairEnd (i32.and (local.get $stride) (i32.const -32))) ;; lanes in whole pairs of vectors
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $xp (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $stride))))
        (local.set $k (i32.shl (i32.load (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))) (i32.const 2)))
        (local.set $end (i32.shl (i32.load offset=4 (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))) (i32.const 2)))
        ;; --- two entries at a time: each load of x serves both
        (block $entryPairsDone
          (loop $entryPair
            (br_if $entryPairsDone (i32.gt_u (i32.add (local.get $k) (i32.const 8)) (local.get $end)))
            (local.set $w (v128.load32_splat (i32.add (local.get $val) (local.get $k))))
            (local.set $w1 (v128.load32_splat offset=4 (i32.add (local.get $val) (local.get $k))))
            (local.set $yp (i32.add (local.get $y) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
            (local.set $yp1 (i32.add (local.get $y) (i32.mul (i32.load offset=4 (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
            (local.set $o (i32.const 0))
            (block $pairsDone2
              (loop $pair2
                (br_if $pairsDone2 (i32.ge_u (local.get $o) (local.get $pairEnd)))
                (local.set $x0 (v128.load (i32.add (local.get $xp) (local.get $o))))
                (local.set $x1 (v128.load offset=16 (i32.add (local.get $xp) (local.get $o))))
                (v128.store (i32.add (local.get $yp) (local.get $o))
                  (f32x4.relaxed_madd (local.get $w) (local.get $x0) (v128.load (i32.add (local.get $yp) (local.get $o)))))
                (v128.store offset=16 (i32.add (local.get $yp) (local.get $o))
                  (f32x4.relaxed_madd (local.get $w) (local.get $x1) (v128.load offset=16 (i32.add (local.get $yp) (local.get $o)))))
                (v128.store (i32.add (local.get $yp1) (local.get $o))
                  (f32x4.relaxed_madd (local.get $w1) (local.get $x0) (v128.load (i32.add (local.get $yp1) (local.get $o)))))
                (v128.store offset=16 (i32.add (local.get $yp1) (local.get $o))
                  (f32x4.relaxed_madd (local.get $w1) (local.get $x1) (v128.load offset=16 (i32.add (local.get $yp1) (local.get $o)))))
                (local.set $o (i32.add (local.get $o) (i32.const 32)))
                (br $pair2)))
            (if (i32.lt_u (local.get $o) (local.get $stride))
              (then
                (local.set $x0 (v128.load (i32.add (local.get $xp) (local.get $o))))
                (v128.store (i32.add (local.get $yp) (local.get $o))
                  (f32x4.relaxed_madd (local.get $w) (local.get $x0) (v128.load (i32.add (local.get $yp) (local.get $o)))))
                (v128.store (i32.add (local.get $yp1) (local.get $o))
                  (f32x4.relaxed_madd (local.get $w1) (local.get $x0) (v128.load (i32.add (local.get $yp1) (local.get $o)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 8)))
            (br $entryPair)))
        ;; --- the row's last entry when it has an odd number
        (block $entriesDone
          (loop $entry
            (br_if $entriesDone (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $w (v128.load32_splat (i32.add (local.get $val) (local.get $k))))
            (local.set $yp (i32.add (local.get $y) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
            (local.set $o (i32.const 0))
            (block $pairsDone
              (loop $pair
                (br_if $pairsDone (i32.ge_u (local.get $o) (local.get $pairEnd)))
                (v128.store (i32.add (local.get $yp) (local.get $o))
                  (f32x4.relaxed_madd (local.get $w) (v128.load (i32.add (local.get $xp) (local.get $o))) (v128.load (i32.add (local.get $yp) (local.get $o)))))
                (v128.store offset=16 (i32.add (local.get $yp) (local.get $o))
                  (f32x4.relaxed_madd (local.get $w) (v128.load offset=16 (i32.add (local.get $xp) (local.get $o))) (v128.load offset=16 (i32.add (local.get $yp) (local.get $o)))))
                (local.set $o (i32.add (local.get $o) (i32.const 32)))
                (br $pair)))
            (if (i32.lt_u (local.get $o) (local.get $stride))
              (then
                (v128.store (i32.add (local.get $yp) (local.get $o))
                  (f32x4.relaxed_madd (local.get $w) (v128.load (i32.add (local.get $xp) (local.get $o))) (v128.load (i32.add (local.get $yp) (local.get $o)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $entry)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; sddmm's product one row at a time (for matrices that are not dense, and rows past the last
  ;; block of four): two entries of a row at a time, so each load of dy serves both, with two
  ;; accumulators per entry (even and odd vectors of lanes, added at the end) so consecutive
  ;; multiply-adds do not wait on each other.
  (func $sddmmRows
    (param $rowStart i32) (param $col i32) (param $rows i32)
    (param $dy i32) (param $x i32) (param $g i32) (param $lanes i32)
    (local $stride i32) (local $pairEnd i32) (local $r i32) (local $k i32) (local $end i32) (local $dp i32) (local $xp0 i32) (local $xp1 i32) (local $o i32) (local $gp i32)
    (local $d0 v128) (local $d1 v128) (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    (local.set $pairEnd (i32.and (local.get $stride) (i32.const -32)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $dp (i32.add (local.get $dy) (i32.mul (local.get $r) (local.get $stride))))
        (local.set $k (i32.shl (i32.load (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))) (i32.const 2)))
        (local.set $end (i32.shl (i32.load offset=4 (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))) (i32.const 2)))
        ;; --- two entries at a time
        (block $entryPairsDone
          (loop $entryPair
            (br_if $entryPairsDone (i32.gt_u (i32.add (local.get $k) (i32.const 8)) (local.get $end)))
            (local.set $xp0 (i32.add (local.get $x) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
            (local.set $xp1 (i32.add (local.get $x) (i32.mul (i32.load offset=4 (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
            (local.set $a00 (v128.const i32x4 0 0 0 0))
            (local.set $a01 (v128.const i32x4 0 0 0 0))
            (local.set $a10 (v128.const i32x4 0 0 0 0))
            (local.set $a11 (v128.const i32x4 0 0 0 0))
            (local.set $o (i32.const 0))
            (block $lanePairsDone
              (loop $lanePair
                (br_if $lanePairsDone (i32.ge_u (local.get $o) (local.get $pairEnd)))
                (local.set $d0 (v128.load (i32.add (local.get $dp) (local.get $o))))
                (local.set $d1 (v128.load offset=16 (i32.add (local.get $dp) (local.get $o))))
                (local.set $a00 (f32x4.relaxed_madd (local.get $d0) (v128.load (i32.add (local.get $xp0) (local.get $o))) (local.get $a00)))
                (local.set $a01 (f32x4.relaxed_madd (local.get $d1) (v128.load offset=16 (i32.add (local.get $xp0) (local.get $o))) (local.get $a01)))
                (local.set $a10 (f32x4.relaxed_madd (local.get $d0) (v128.load (i32.add (local.get $xp1) (local.get $o))) (local.get $a10)))
                (local.set $a11 (f32x4.relaxed_madd (local.get $d1) (v128.load offset=16 (i32.add (local.get $xp1) (local.get $o))) (local.get $a11)))
                (local.set $o (i32.add (local.get $o) (i32.const 32)))
                (br $lanePair)))
            (if (i32.lt_u (local.get $o) (local.get $stride))
              (then
                (local.set $d0 (v128.load (i32.add (local.get $dp) (local.get $o))))
                (local.set $a00 (f32x4.relaxed_madd (local.get $d0) (v128.load (i32.add (local.get $xp0) (local.get $o))) (local.get $a00)))
                (local.set $a10 (f32x4.relaxed_madd (local.get $d0) (v128.load (i32.add (local.get $xp1) (local.get $o))) (local.get $a10)))))
            (local.set $a00 (f32x4.add (local.get $a00) (local.get $a01)))
            (local.set $a10 (f32x4.add (local.get $a10) (local.get $a11)))
            (local.set $gp (i32.add (local.get $g) (local.get $k)))
            (f32.store (local.get $gp)
              (f32.add (f32.load (local.get $gp))
                (f32.add
                  (f32.add (f32x4.extract_lane 0 (local.get $a00)) (f32x4.extract_lane 1 (local.get $a00)))
                  (f32.add (f32x4.extract_lane 2 (local.get $a00)) (f32x4.extract_lane 3 (local.get $a00))))))
            (f32.store offset=4 (local.get $gp)
              (f32.add (f32.load offset=4 (local.get $gp))
                (f32.add
                  (f32.add (f32x4.extract_lane 0 (local.get $a10)) (f32x4.extract_lane 1 (local.get $a10)))
                  (f32.add (f32x4.extract_lane 2 (local.get $a10)) (f32x4.extract_lane 3 (local.get $a10))))))
            (local.set $k (i32.add (local.get $k) (i32.const 8)))
            (br $entryPair)))
        ;; --- the row's last entry when it has an odd number
        (if (i32.lt_u (local.get $k) (local.get $end))
          (then
            (local.set $xp0 (i32.add (local.get $x) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
            (local.set $a00 (v128.const i32x4 0 0 0 0))
            (local.set $a01 (v128.const i32x4 0 0 0 0))
            (local.set $o (i32.const 0))
            (block $lanePairsDone
              (loop $lanePair
                (br_if $lanePairsDone (i32.ge_u (local.get $o) (local.get $pairEnd)))
                (local.set $a00 (f32x4.relaxed_madd (v128.load (i32.add (local.get $dp) (local.get $o))) (v128.load (i32.add (local.get $xp0) (local.get $o))) (local.get $a00)))
                (local.set $a01 (f32x4.relaxed_madd (v128.load offset=16 (i32.add (local.get $dp) (local.get $o))) (v128.load offset=16 (i32.add (local.get $xp0) (local.get $o))) (local.get $a01)))
                (local.set $o (i32.add (local.get $o) (i32.const 32)))
                (br $lanePair)))
            (if (i32.lt_u (local.get $o) (local.get $stride))
              (then
                (local.set $a00 (f32x4.relaxed_madd (v128.load (i32.add (local.get $dp) (local.get $o))) (v128.load (i32.add (local.get $xp0) (local.get $o))) (local.get $a00)))))
            (local.set $a00 (f32x4.add (local.get $a00) (local.get $a01)))
            (local.set $gp (i32.add (local.get $g) (local.get $k)))
            (f32.store (local.get $gp)
              (f32.add (f32.load (local.get $gp))
                (f32.add
                  (f32.add (f32x4.extract_lane 0 (local.get $a00)) (f32x4.extract_lane 1 (local.get $a00)))
                  (f32.add (f32x4.extract_lane 2 (local.get $a00)) (f32x4.extract_lane 3 (local.get $a00))))))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; spmmT's blocks of four rows of a dense matrix (every block of four rows stores one run of
  ;; consecutive columns, see $sameRun), rows [0, rows) with rows a multiple of 4: per block and
  ;; eight (then four) lanes the four rows of x stay in locals and each y vector is loaded and stored
  ;; once for the four rows' multiply-adds, added in row order as one row at a time would.
  (func $spmmTBlocks
    (param $rowStart i32) (param $col i32) (param $val i32) (param $rows i32)
    (param $x i32) (param $y i32) (param $lanes i32)
    (local $stride i32) (local $rb i32) (local $rp i32) (local $k i32) (local $nb1 i32) (local $nb2 i32) (local $nb3 i32)
    (local $vp0 i32) (local $vp i32) (local $vEnd i32) (local $yc i32) (local $yp i32) (local $o i32)
    (local $xr0 i32) (local $xr1 i32) (local $xr2 i32) (local $xr3 i32) (local $w v128) (local $y0 v128) (local $y1 v128)
    (local $x00 v128) (local $x01 v128) (local $x10 v128) (local $x11 v128) (local $x20 v128) (local $x21 v128) (local $x30 v128) (local $x31 v128)
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    (block $blocksDone
      (loop $block
        (br_if $blocksDone (i32.ge_u (local.get $rb) (local.get $rows)))
        (local.set $rp (i32.add (local.get $rowStart) (i32.shl (local.get $rb) (i32.const 2))))
        (local.set $k (i32.shl (i32.load (local.get $rp)) (i32.const 2)))
        (local.set $nb1 (i32.sub (i32.shl (i32.load offset=4 (local.get $rp)) (i32.const 2)) (local.get $k)))
        (local.set $nb2 (i32.shl (local.get $nb1) (i32.const 1)))
        (local.set $nb3 (i32.add (local.get $nb2) (local.get $nb1)))
        (local.set $vp0 (i32.add (local.get $val) (local.get $k)))
        (local.set $vEnd (i32.add (local.get $vp0) (local.get $nb1)))
        (local.set $yc (i32.add (local.get $y) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
        (local.set $xr0 (i32.add (local.get $x) (i32.mul (local.get $rb) (local.get $stride))))
        (local.set $xr1 (i32.add (local.get $xr0) (local.get $stride)))
        (local.set $xr2 (i32.add (local.get $xr1) (local.get $stride)))
        (local.set $xr3 (i32.add (local.get $xr2) (local.get $stride)))
        (local.set $o (i32.const 0))
        (block $pairsDone
          (loop $pair
            (br_if $pairsDone (i32.gt_u (i32.add (local.get $o) (i32.const 32)) (local.get $stride)))
          (local.set $x00 (v128.load (i32.add (local.get $xr0) (local.get $o))))
          (local.set $x01 (v128.load offset=16 (i32.add (local.get $xr0) (local.get $o))))
          (local.set $x10 (v128.load (i32.add (local.get $xr1) (local.get $o))))
          (local.set $x11 (v128.load offset=16 (i32.add (local.get $xr1) (local.get $o))))
          (local.set $x20 (v128.load (i32.add (local.get $xr2) (local.get $o))))
          (local.set $x21 (v128.load offset=16 (i32.add (local.get $xr2) (local.get $o))))
          (local.set $x30 (v128.load (i32.add (local.get $xr3) (local.get $o))))
          (local.set $x31 (v128.load offset=16 (i32.add (local.get $xr3) (local.get $o))))
          (local.set $vp (local.get $vp0))
          (local.set $yp (i32.add (local.get $yc) (local.get $o)))
          (block $runDone2
            (loop $run2
              (br_if $runDone2 (i32.ge_u (local.get $vp) (local.get $vEnd)))
              (local.set $y0 (v128.load (local.get $yp)))
              (local.set $y1 (v128.load offset=16 (local.get $yp)))
              (local.set $w (v128.load32_splat (local.get $vp)))
              (local.set $y0 (f32x4.relaxed_madd (local.get $w) (local.get $x00) (local.get $y0)))
              (local.set $y1 (f32x4.relaxed_madd (local.get $w) (local.get $x01) (local.get $y1)))
              (local.set $w (v128.load32_splat (i32.add (local.get $vp) (local.get $nb1))))
              (local.set $y0 (f32x4.relaxed_madd (local.get $w) (local.get $x10) (local.get $y0)))
              (local.set $y1 (f32x4.relaxed_madd (local.get $w) (local.get $x11) (local.get $y1)))
              (local.set $w (v128.load32_splat (i32.add (local.get $vp) (local.get $nb2))))
              (local.set $y0 (f32x4.relaxed_madd (local.get $w) (local.get $x20) (local.get $y0)))
              (local.set $y1 (f32x4.relaxed_madd (local.get $w) (local.get $x21) (local.get $y1)))
              (local.set $w (v128.load32_splat (i32.add (local.get $vp) (local.get $nb3))))
              (local.set $y0 (f32x4.relaxed_madd (local.get $w) (local.get $x30) (local.get $y0)))
              (local.set $y1 (f32x4.relaxed_madd (local.get $w) (local.get $x31) (local.get $y1)))
              (v128.store (local.get $yp) (local.get $y0))
              (v128.store offset=16 (local.get $yp) (local.get $y1))
              (local.set $vp (i32.add (local.get $vp) (i32.const 4)))
              (local.set $yp (i32.add (local.get $yp) (local.get $stride)))
              (br $run2)))
            (local.set $o (i32.add (local.get $o) (i32.const 32)))
            (br $pair)))
        (if (i32.lt_u (local.get $o) (local.get $stride))
          (then
          (local.set $x00 (v128.load (i32.add (local.get $xr0) (local.get $o))))
          (local.set $x10 (v128.load (i32.add (local.get $xr1) (local.get $o))))
          (local.set $x20 (v128.load (i32.add (local.get $xr2) (local.get $o))))
          (local.set $x30 (v128.load (i32.add (local.get $xr3) (local.get $o))))
          (local.set $vp (local.get $vp0))
          (local.set $yp (i32.add (local.get $yc) (local.get $o)))
          (block $runDone1
            (loop $run1
              (br_if $runDone1 (i32.ge_u (local.get $vp) (local.get $vEnd)))
              (local.set $y0 (v128.load (local.get $yp)))
              (local.set $w (v128.load32_splat (local.get $vp)))
              (local.set $y0 (f32x4.relaxed_madd (local.get $w) (local.get $x00) (local.get $y0)))
              (local.set $w (v128.load32_splat (i32.add (local.get $vp) (local.get $nb1))))
              (local.set $y0 (f32x4.relaxed_madd (local.get $w) (local.get $x10) (local.get $y0)))
              (local.set $w (v128.load32_splat (i32.add (local.get $vp) (local.get $nb2))))
              (local.set $y0 (f32x4.relaxed_madd (local.get $w) (local.get $x20) (local.get $y0)))
              (local.set $w (v128.load32_splat (i32.add (local.get $vp) (local.get $nb3))))
              (local.set $y0 (f32x4.relaxed_madd (local.get $w) (local.get $x30) (local.get $y0)))
              (v128.store (local.get $yp) (local.get $y0))
              (local.set $vp (i32.add (local.get $vp) (i32.const 4)))
              (local.set $yp (i32.add (local.get $yp) (local.get $stride)))
              (br $run1)))))
        (local.set $rb (i32.add (local.get $rb) (i32.const 4)))
        (br $block))))

  ;; y[c, :] += Σ_{k in row r, col[k] = c} val[k] · x[r, :]: the product with the transpose, Wᵀ·x,
  ;; accumulated into y (which the caller zeroes or preloads). When every block of four rows stores
  ;; one run of consecutive columns (a dense matrix, see $sameRun), the whole blocks go four rows at
  ;; a time ($spmmTBlocks), then the rows past the last whole block, and other matrices, one row at a
  ;; time ($spmmTRows). With many lanes (rows of y 8 KiB or more apart, see $packs) a dense matrix
  ;; goes in chunks of lanes: the chunk's lanes of x and y are copied into the scratch as
  ;; activations of their own (together about 32 KiB, so they stay in the L1 cache while every row
  ;; adds into y's), computed there, and y's copied back. Either way each y value takes its terms in row
  ;; order, so the bits do not depend on the chunks.
  (func (export "spmmT")
    (param $rowStart i32) (param $col i32) (param $val i32) (param $rows i32)
    (param $x i32) (param $y i32) (param $lanes i32)
    (local $stride i32) (local $rb i32) (local $cols i32) (local $chunk i32) (local $xPanel i32) (local $o i32) (local $width i32)
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    (if (call $sameRuns (local.get $rowStart) (local.get $col) (local.get $rows))
      (then (local.set $rb (i32.and (local.get $rows) (i32.const -4)))))
    (local.set $cols (call $colsUsed (local.get $rowStart) (local.get $col) (local.get $rows)))
    ;; only the dense blocks walk y across columns for each few lanes (a row at a time walks one row
    ;; of y along its lanes, which the prefetcher follows), and only with 16 rows or more in whole
    ;; blocks: each y value is copied in and out once per chunk, for one multiply-add per row
    (if (i32.eqz (i32.and (i32.ge_u (local.get $rb) (i32.const 16))
        (call $packs (local.get $stride) (i32.add (local.get $cols) (local.get $rows)) (i32.const 32) (i32.const 8192))))
      (then
        (if (local.get $rb)
          (then (call $spmmTBlocks (local.get $rowStart) (local.get $col) (local.get $val) (local.get $rb) (local.get $x) (local.get $y) (local.get $lanes))))
        (call $spmmTRows (i32.add (local.get $rowStart) (i32.shl (local.get $rb) (i32.const 2))) (local.get $col) (local.get $val) (i32.sub (local.get $rows) (local.get $rb))
          (i32.add (local.get $x) (i32.mul (local.get $rb) (local.get $stride))) (local.get $y) (local.get $lanes))
        (return)))
    ;; a chunk: a multiple of 32 bytes (at most 1 KiB) with (cols + rows) × chunk ≤ half the scratch,
    ;; or 32 when that is less (then (cols + rows) × 32 bytes still fit the scratch: see $packs)
    (local.set $chunk (i32.and (i32.div_u (i32.shr_u (global.get $scratchBytes) (i32.const 1)) (i32.add (local.get $cols) (local.get $rows))) (i32.const -32)))
    (local.set $chunk (select (i32.const 1024) (local.get $chunk) (i32.gt_u (local.get $chunk) (i32.const 1024))))
    (local.set $chunk (select (i32.const 32) (local.get $chunk) (i32.lt_u (local.get $chunk) (i32.const 32))))
    (local.set $xPanel (i32.add (global.get $scratch) (i32.mul (local.get $cols) (local.get $chunk))))
    (block $chunksDone
      (loop $chunks
        (br_if $chunksDone (i32.ge_u (local.get $o) (local.get $stride)))
        (local.set $width (select (local.get $chunk) (i32.sub (local.get $stride) (local.get $o))
          (i32.lt_u (local.get $chunk) (i32.sub (local.get $stride) (local.get $o)))))
        (call $copyRows (i32.add (local.get $y) (local.get $o)) (local.get $stride) (global.get $scratch) (local.get $width) (local.get $cols) (local.get $width))
        (call $copyRows (i32.add (local.get $x) (local.get $o)) (local.get $stride) (local.get $xPanel) (local.get $width) (local.get $rows) (local.get $width))
        (call $spmmTBlocks (local.get $rowStart) (local.get $col) (local.get $val) (local.get $rb)
          (local.get $xPanel) (global.get $scratch) (i32.shr_u (local.get $width) (i32.const 2)))
        (call $spmmTRows (i32.add (local.get $rowStart) (i32.shl (local.get $rb) (i32.const 2))) (local.get $col) (local.get $val) (i32.sub (local.get $rows) (local.get $rb))
          (i32.add (local.get $xPanel) (i32.mul (local.get $rb) (local.get $width))) (global.get $scratch) (i32.shr_u (local.get $width) (i32.const 2)))
        (call $copyRows (global.get $scratch) (local.get $width) (i32.add (local.get $y) (local.get $o)) (local.get $stride) (local.get $cols) (local.get $width))
        (local.set $o (i32.add (local.get $o) (local.get $chunk)))
        (br $chunks))))

  ;; g[k] += Σ_lanes dy[r, :] · x[col[k], :] for every stored entry k of row r: the weight gradient
  ;; of y = W·x at the stored positions only (a sampled dense-dense product). When every block of
  ;; four rows stores one run of consecutive columns (a dense matrix, see $sameRun), per block two
  ;; columns at a time: eight accumulators (4 rows × 2 columns), each load of dy used for two
  ;; columns and each load of x for four rows; the rows past the last whole block, and other
  ;; matrices, go one row at a time ($sddmmRows).
  (func (export "sddmm")
    (param $rowStart i32) (param $col i32) (param $rows i32)
    (param $dy i32) (param $x i32) (param $g i32) (param $lanes i32)
    (local $stride i32) (local $rb i32) (local $rp i32) (local $k i32) (local $nb1 i32) (local $nb2 i32) (local $nb3 i32)
    (local $j i32) (local $o i32) (local $gp i32) (local $q i32) (local $xc i32) (local $xp0 i32)
    (local $dr0 i32) (local $dr1 i32) (local $dr2 i32) (local $dr3 i32) (local $d v128) (local $x0 v128) (local $x1 v128)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128) (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    (if (call $sameRuns (local.get $rowStart) (local.get $col) (local.get $rows))
      (then
        (block $blocksDone
          (loop $block
            (br_if $blocksDone (i32.gt_u (i32.add (local.get $rb) (i32.const 4)) (local.get $rows)))
            (local.set $rp (i32.add (local.get $rowStart) (i32.shl (local.get $rb) (i32.const 2))))
            (local.set $k (i32.shl (i32.load (local.get $rp)) (i32.const 2)))
            (local.set $nb1 (i32.sub (i32.shl (i32.load offset=4 (local.get $rp)) (i32.const 2)) (local.get $k)))
            (local.set $nb2 (i32.shl (local.get $nb1) (i32.const 1)))
            (local.set $nb3 (i32.add (local.get $nb2) (local.get $nb1)))
            (local.set $gp (i32.add (local.get $g) (local.get $k)))
            (local.set $xc (i32.add (local.get $x) (i32.mul (i32.load (i32.add (local.get $col) (local.get $k))) (local.get $stride))))
            (local.set $dr0 (i32.add (local.get $dy) (i32.mul (local.get $rb) (local.get $stride))))
            (local.set $dr1 (i32.add (local.get $dr0) (local.get $stride)))
            (local.set $dr2 (i32.add (local.get $dr1) (local.get $stride)))
            (local.set $dr3 (i32.add (local.get $dr2) (local.get $stride)))
            (local.set $j (i32.const 0))
            (block $colPairsDone
              (loop $colPair
                (br_if $colPairsDone (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $nb1)))
              (local.set $xp0 (i32.add (local.get $xc) (i32.mul (i32.shr_u (local.get $j) (i32.const 2)) (local.get $stride))))
              (local.set $a00 (v128.const i32x4 0 0 0 0))
              (local.set $a01 (v128.const i32x4 0 0 0 0))
              (local.set $a10 (v128.const i32x4 0 0 0 0))
              (local.set $a11 (v128.const i32x4 0 0 0 0))
              (local.set $a20 (v128.const i32x4 0 0 0 0))
              (local.set $a21 (v128.const i32x4 0 0 0 0))
              (local.set $a30 (v128.const i32x4 0 0 0 0))
              (local.set $a31 (v128.const i32x4 0 0 0 0))
              (local.set $o (i32.const 0))
              (block $lanesDone2
                (loop $lane2
                  (br_if $lanesDone2 (i32.ge_u (local.get $o) (local.get $stride)))
                  (local.set $x0 (v128.load (i32.add (local.get $xp0) (local.get $o))))
                  (local.set $x1 (v128.load (i32.add (i32.add (local.get $xp0) (local.get $stride)) (local.get $o))))
                  (local.set $d (v128.load (i32.add (local.get $dr0) (local.get $o))))
                  (local.set $a00 (f32x4.relaxed_madd (local.get $d) (local.get $x0) (local.get $a00)))
                  (local.set $a01 (f32x4.relaxed_madd (local.get $d) (local.get $x1) (local.get $a01)))
                  (local.set $d (v128.load (i32.add (local.get $dr1) (local.get $o))))
                  (local.set $a10 (f32x4.relaxed_madd (local.get $d) (local.get $x0) (local.get $a10)))
                  (local.set $a11 (f32x4.relaxed_madd (local.get $d) (local.get $x1) (local.get $a11)))
                  (local.set $d (v128.load (i32.add (local.get $dr2) (local.get $o))))
                  (local.set $a20 (f32x4.relaxed_madd (local.get $d) (local.get $x0) (local.get $a20)))
                  (local.set $a21 (f32x4.relaxed_madd (local.get $d) (local.get $x1) (local.get $a21)))
                  (local.set $d (v128.load (i32.add (local.get $dr3) (local.get $o))))
                  (local.set $a30 (f32x4.relaxed_madd (local.get $d) (local.get $x0) (local.get $a30)))
                  (local.set $a31 (f32x4.relaxed_madd (local.get $d) (local.get $x1) (local.get $a31)))
                  (local.set $o (i32.add (local.get $o) (i32.const 16)))
                  (br $lane2)))
              (local.set $q (i32.add (i32.add (local.get $gp) (i32.const 0)) (local.get $j)))
              (f32.store offset=0 (local.get $q) (f32.add (f32.load offset=0 (local.get $q)) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a00)) (f32x4.extract_lane 1 (local.get $a00))) (f32.add (f32x4.extract_lane 2 (local.get $a00)) (f32x4.extract_lane 3 (local.get $a00))))))
              (f32.store offset=4 (local.get $q) (f32.add (f32.load offset=4 (local.get $q)) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a01)) (f32x4.extract_lane 1 (local.get $a01))) (f32.add (f32x4.extract_lane 2 (local.get $a01)) (f32x4.extract_lane 3 (local.get $a01))))))
              (local.set $q (i32.add (i32.add (local.get $gp) (local.get $nb1)) (local.get $j)))
              (f32.store offset=0 (local.get $q) (f32.add (f32.load offset=0 (local.get $q)) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a10)) (f32x4.extract_lane 1 (local.get $a10))) (f32.add (f32x4.extract_lane 2 (local.get $a10)) (f32x4.extract_lane 3 (local.get $a10))))))
              (f32.store offset=4 (local.get $q) (f32.add (f32.load offset=4 (local.get $q)) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a11)) (f32x4.extract_lane 1 (local.get $a11))) (f32.add (f32x4.extract_lane 2 (local.get $a11)) (f32x4.extract_lane 3 (local.get $a11))))))
              (local.set $q (i32.add (i32.add (local.get $gp) (local.get $nb2)) (local.get $j)))
              (f32.store offset=0 (local.get $q) (f32.add (f32.load offset=0 (local.get $q)) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a20)) (f32x4.extract_lane 1 (local.get $a20))) (f32.add (f32x4.extract_lane 2 (local.get $a20)) (f32x4.extract_lane 3 (local.get $a20))))))
              (f32.store offset=4 (local.get $q) (f32.add (f32.load offset=4 (local.get $q)) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a21)) (f32x4.extract_lane 1 (local.get $a21))) (f32.add (f32x4.extract_lane 2 (local.get $a21)) (f32x4.extract_lane 3 (local.get $a21))))))
              (local.set $q (i32.add (i32.add (local.get $gp) (local.get $nb3)) (local.get $j)))
              (f32.store offset=0 (local.get $q) (f32.add (f32.load offset=0 (local.get $q)) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a30)) (f32x4.extract_lane 1 (local.get $a30))) (f32.add (f32x4.extract_lane 2 (local.get $a30)) (f32x4.extract_lane 3 (local.get $a30))))))
              (f32.store offset=4 (local.get $q) (f32.add (f32.load offset=4 (local.get $q)) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a31)) (f32x4.extract_lane 1 (local.get $a31))) (f32.add (f32x4.extract_lane 2 (local.get $a31)) (f32x4.extract_lane 3 (local.get $a31))))))
                (local.set $j (i32.add (local.get $j) (i32.const 8)))
                (br $colPair)))
            (if (i32.lt_u (local.get $j) (local.get $nb1))
              (then
              (local.set $xp0 (i32.add (local.get $xc) (i32.mul (i32.shr_u (local.get $j) (i32.const 2)) (local.get $stride))))
              (local.set $a00 (v128.const i32x4 0 0 0 0))
              (local.set $a10 (v128.const i32x4 0 0 0 0))
              (local.set $a20 (v128.const i32x4 0 0 0 0))
              (local.set $a30 (v128.const i32x4 0 0 0 0))
              (local.set $o (i32.const 0))
              (block $lanesDone1
                (loop $lane1
                  (br_if $lanesDone1 (i32.ge_u (local.get $o) (local.get $stride)))
                  (local.set $x0 (v128.load (i32.add (local.get $xp0) (local.get $o))))
                  (local.set $d (v128.load (i32.add (local.get $dr0) (local.get $o))))
                  (local.set $a00 (f32x4.relaxed_madd (local.get $d) (local.get $x0) (local.get $a00)))
                  (local.set $d (v128.load (i32.add (local.get $dr1) (local.get $o))))
                  (local.set $a10 (f32x4.relaxed_madd (local.get $d) (local.get $x0) (local.get $a10)))
                  (local.set $d (v128.load (i32.add (local.get $dr2) (local.get $o))))
                  (local.set $a20 (f32x4.relaxed_madd (local.get $d) (local.get $x0) (local.get $a20)))
                  (local.set $d (v128.load (i32.add (local.get $dr3) (local.get $o))))
                  (local.set $a30 (f32x4.relaxed_madd (local.get $d) (local.get $x0) (local.get $a30)))
                  (local.set $o (i32.add (local.get $o) (i32.const 16)))
                  (br $lane1)))
              (local.set $q (i32.add (i32.add (local.get $gp) (i32.const 0)) (local.get $j)))
              (f32.store offset=0 (local.get $q) (f32.add (f32.load offset=0 (local.get $q)) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a00)) (f32x4.extract_lane 1 (local.get $a00))) (f32.add (f32x4.extract_lane 2 (local.get $a00)) (f32x4.extract_lane 3 (local.get $a00))))))
              (local.set $q (i32.add (i32.add (local.get $gp) (local.get $nb1)) (local.get $j)))
              (f32.store offset=0 (local.get $q) (f32.add (f32.load offset=0 (local.get $q)) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a10)) (f32x4.extract_lane 1 (local.get $a10))) (f32.add (f32x4.extract_lane 2 (local.get $a10)) (f32x4.extract_lane 3 (local.get $a10))))))
              (local.set $q (i32.add (i32.add (local.get $gp) (local.get $nb2)) (local.get $j)))
              (f32.store offset=0 (local.get $q) (f32.add (f32.load offset=0 (local.get $q)) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a20)) (f32x4.extract_lane 1 (local.get $a20))) (f32.add (f32x4.extract_lane 2 (local.get $a20)) (f32x4.extract_lane 3 (local.get $a20))))))
              (local.set $q (i32.add (i32.add (local.get $gp) (local.get $nb3)) (local.get $j)))
              (f32.store offset=0 (local.get $q) (f32.add (f32.load offset=0 (local.get $q)) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a30)) (f32x4.extract_lane 1 (local.get $a30))) (f32.add (f32x4.extract_lane 2 (local.get $a30)) (f32x4.extract_lane 3 (local.get $a30))))))))
            (local.set $rb (i32.add (local.get $rb) (i32.const 4)))
            (br $block)))))
    (call $sddmmRows (i32.add (local.get $rowStart) (i32.shl (local.get $rb) (i32.const 2))) (local.get $col) (i32.sub (local.get $rows) (local.get $rb))
      (i32.add (local.get $dy) (i32.mul (local.get $rb) (local.get $stride))) (local.get $x) (local.get $g) (local.get $lanes)))

  ;; y[f] += Σ_lanes x[f, :] (bias gradients)
  (func (export "rowSums") (param $x i32) (param $y i32) (param $features i32) (param $lanes i32)
    (local $f i32) (local $o i32) (local $stride i32) (local $acc v128) (local $xp i32) (local $yp i32)
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    (block $done
      (loop $feature
        (br_if $done (i32.ge_u (local.get $f) (local.get $features)))
        (local.set $xp (i32.add (local.get $x) (i32.mul (local.get $f) (local.get $stride))))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $o (i32.const 0))
        (block $lanesDone
          (loop $lane
            (br_if $lanesDone (i32.ge_u (local.get $o) (local.get $stride)))
            (local.set $acc (f32x4.add (local.get $acc) (v128.load (i32.add (local.get $xp) (local.get $o)))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $lane)))
        (local.set $yp (i32.add (local.get $y) (i32.shl (local.get $f) (i32.const 2))))
        (f32.store (local.get $yp)
          (f32.add (f32.load (local.get $yp))
            (f32.add
              (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
              (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc))))))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $feature))))

  ;; y = dy where a > 0, else 0 (ReLU's backward), over `count` floats (a multiple of 4)
  (func (export "reluBackward") (param $dy i32) (param $a i32) (param $y i32) (param $count i32)
    (local $o i32) (local $end i32)
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (v128.store (i32.add (local.get $y) (local.get $o))
          (v128.and (v128.load (i32.add (local.get $dy) (local.get $o)))
            (f32x4.gt (v128.load (i32.add (local.get $a) (local.get $o))) (v128.const f32x4 0 0 0 0))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $next))))

  ;; The GRU step's backward (linear_before_reset, PyTorch's cell), elementwise over [H, lanes].
  ;; From dh = ∂L/∂h' and the forward's z, r (gx's first two blocks after gruGates), n, gh's
  ;; candidate block (without its bias Rbn, which `gates` holds) and h:
  ;;   h' = n + z ⊙ (h − n):   dn = dh ⊙ (1 − z),  dz = dh ⊙ (h − n),  dhDirect = dh ⊙ z
  ;;   n = tanh(aₙ), aₙ = gx_n + Wbn + r ⊙ (gh_n + Rbn):   daₙ = dn ⊙ (1 − n²),  dr = daₙ ⊙ (gh_n + Rbn)
  ;;   z = σ(a_z): da_z = dz ⊙ z(1 − z);   r = σ(a_r): da_r = dr ⊙ r(1 − r)
  ;; writes dgx = [da_z, da_r, daₙ] and dgh = [da_z, da_r, daₙ ⊙ r] ([3H, lanes] each) and dhDirect.
  (func (export "gruBackward")
    (param $dh i32) (param $zr i32) (param $n i32) (param $gh i32) (param $gates i32) (param $h i32)
    (param $dgx i32) (param $dgh i32) (param $dhDirect i32) (param $hidden i32) (param $lanes i32)
    (local $j i32) (local $l i32) (local $o i32) (local $block i32) (local $b i32)
    (local $dhv v128) (local $z v128) (local $r v128) (local $nv v128) (local $ghn v128) (local $dan v128) (local $one v128)
    (local.set $one (v128.const f32x4 1 1 1 1))
    (local.set $block (i32.shl (i32.mul (local.get $hidden) (local.get $lanes)) (i32.const 2)))
    (block $done
      (loop $unit
        (br_if $done (i32.ge_u (local.get $j) (local.get $hidden)))
        (local.set $b (i32.add (local.get $gates) (i32.shl (local.get $j) (i32.const 4))))
        (local.set $l (i32.const 0))
        (block $lanesDone
          (loop $lane
            (br_if $lanesDone (i32.ge_u (local.get $l) (local.get $lanes)))
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $j) (local.get $lanes)) (local.get $l)) (i32.const 2)))
            (local.set $dhv (v128.load (i32.add (local.get $dh) (local.get $o))))
            (local.set $z (v128.load (i32.add (local.get $zr) (local.get $o))))
            (local.set $r (v128.load (i32.add (i32.add (local.get $zr) (local.get $block)) (local.get $o))))
            (local.set $nv (v128.load (i32.add (local.get $n) (local.get $o))))
            (local.set $ghn
              (f32x4.add (v128.load (i32.add (i32.add (local.get $gh) (i32.shl (local.get $block) (i32.const 1))) (local.get $o)))
                (v128.load32_splat offset=12 (local.get $b))))
            (v128.store (i32.add (local.get $dhDirect) (local.get $o)) (f32x4.mul (local.get $dhv) (local.get $z)))
            ;; daₙ = dh (1 − z)(1 − n²)
            (local.set $dan
              (f32x4.mul (f32x4.mul (local.get $dhv) (f32x4.sub (local.get $one) (local.get $z)))
                (f32x4.sub (local.get $one) (f32x4.mul (local.get $nv) (local.get $nv)))))
            ;; da_z = dh (h − n) z (1 − z)
            (v128.store (i32.add (local.get $dgx) (local.get $o))
              (f32x4.mul (f32x4.mul (local.get $dhv) (f32x4.sub (v128.load (i32.add (local.get $h) (local.get $o))) (local.get $nv)))
                (f32x4.mul (local.get $z) (f32x4.sub (local.get $one) (local.get $z)))))
            ;; da_r = daₙ (gh_n + Rbn) r (1 − r)
            (v128.store (i32.add (i32.add (local.get $dgx) (local.get $block)) (local.get $o))
              (f32x4.mul (f32x4.mul (local.get $dan) (local.get $ghn))
                (f32x4.mul (local.get $r) (f32x4.sub (local.get $one) (local.get $r)))))
            (v128.store (i32.add (i32.add (local.get $dgx) (i32.shl (local.get $block) (i32.const 1))) (local.get $o)) (local.get $dan))
            (v128.store (i32.add (local.get $dgh) (local.get $o)) (v128.load (i32.add (local.get $dgx) (local.get $o))))
            (v128.store (i32.add (i32.add (local.get $dgh) (local.get $block)) (local.get $o))
              (v128.load (i32.add (i32.add (local.get $dgx) (local.get $block)) (local.get $o))))
            (v128.store (i32.add (i32.add (local.get $dgh) (i32.shl (local.get $block) (i32.const 1))) (local.get $o))
              (f32x4.mul (local.get $dan) (local.get $r)))
            (local.set $l (i32.add (local.get $l) (i32.const 4)))
            (br $lane)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $unit))))

  ;; One Adam step over `count` floats (a multiple of 4; pad with zeros), PyTorch's rule evaluated in
  ;; f32 one operation at a time in the order tfjs's ops evaluate it, so the result matches the
  ;; tfjs-op optimizer bit for bit:
  ;;   g ← g·scale;  m ← m·β1 + g·c1;  v ← v·β2 + (g·g)·c2;  w ← (w − ((m/bc1)·lr) / (√(v/bc2) + ε))·mask
  ;; with c1 = 1 − β1, c2 = 1 − β2, bc1 = 1 − β1ᵗ, bc2 = 1 − β2ᵗ; `mask` 0 for none (else 0/1 floats).
  (func (export "adam")
    (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $mask i32) (param $count i32)
    (param $scale f32) (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32)
    (param $bc1 f32) (param $bc2 f32) (param $lr f32) (param $eps f32)
    (local $o i32) (local $end i32) (local $gv v128) (local $mv v128) (local $vv v128) (local $nw v128)
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $gv (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $o))) (f32x4.splat (local.get $scale))))
        (local.set $mv (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $o))) (f32x4.splat (local.get $b1)))
          (f32x4.mul (local.get $gv) (f32x4.splat (local.get $c1)))))
        (local.set $vv (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $o))) (f32x4.splat (local.get $b2)))
          (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (f32x4.splat (local.get $c2)))))
        (v128.store (i32.add (local.get $m) (local.get $o)) (local.get $mv))
        (v128.store (i32.add (local.get $v) (local.get $o)) (local.get $vv))
        (local.set $nw (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $o)))
          (f32x4.div
            (f32x4.mul (f32x4.div (local.get $mv) (f32x4.splat (local.get $bc1))) (f32x4.splat (local.get $lr)))
            (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (f32x4.splat (local.get $bc2)))) (f32x4.splat (local.get $eps))))))
        (if (local.get $mask)
          (then (local.set $nw (f32x4.mul (local.get $nw) (v128.load (i32.add (local.get $mask) (local.get $o)))))))
        (v128.store (i32.add (local.get $w) (local.get $o)) (local.get $nw))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $next))))

  ;; One RMSprop step over `count` floats (a multiple of 4), op by op as tfjs evaluates it (see adam):
  ;;   g ← g·scale;  s ← s·α + (g·g)·c;  w ← (w − (g·lr) / (√s + ε))·mask,  c = 1 − α
  (func (export "rmsprop")
    (param $w i32) (param $g i32) (param $s i32) (param $mask i32) (param $count i32)
    (param $scale f32) (param $alpha f32) (param $c f32) (param $lr f32) (param $eps f32)
    (local $o i32) (local $end i32) (local $gv v128) (local $sv v128) (local $nw v128)
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $gv (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $o))) (f32x4.splat (local.get $scale))))
        (local.set $sv (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $s) (local.get $o))) (f32x4.splat (local.get $alpha)))
          (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (f32x4.splat (local.get $c)))))
        (v128.store (i32.add (local.get $s) (local.get $o)) (local.get $sv))
        (local.set $nw (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $o)))
          (f32x4.div (f32x4.mul (local.get $gv) (f32x4.splat (local.get $lr)))
            (f32x4.add (f32x4.sqrt (local.get $sv)) (f32x4.splat (local.get $eps))))))
        (if (local.get $mask)
          (then (local.set $nw (f32x4.mul (local.get $nw) (v128.load (i32.add (local.get $mask) (local.get $o)))))))
        (v128.store (i32.add (local.get $w) (local.get $o)) (local.get $nw))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $next))))

  ;; QMIX's mixing products (src/marl/mixers/qmix-arrays.ts) over the hypernetworks' feature-major
  ;; outputs, four lanes at a time; `stride` below is lanes × 4 bytes. Inputs: q [N, lanes] (the
  ;; chosen Qs, padded lanes 0), w1 [N·E, lanes] (row n·E + k is W1[n, k]), b1 and wf [E, lanes], v
  ;; [1, lanes]. Forward, per lane:
  ;;   pre_k = Σ_n q_n·|w1[n, k]| + b1_k,  hidden_k = elu(pre_k),  qTot = Σ_k hidden_k·|wf_k| + v
  ;; in f32 (the JS loops it replaced summed pre in f64). ELU's e^x − 1 is within 3·10⁻⁷ absolute and
  ;; 10⁻⁶ relative of Math.expm1 (n = 0 near 0, where it is r + r²·p; 1.0·10⁻⁷ and 7.3·10⁻⁷ measured);
  ;; test/kernels/qmix-mix.test.ts checks it and both kernels against the JS formulas.
  (func (export "qmixMixForward")
    (param $q i32) (param $w1 i32) (param $b1 i32) (param $wf i32) (param $v i32)
    (param $hidden i32) (param $qTot i32) (param $agents i32) (param $embed i32) (param $lanes i32)
    (local $stride i32) (local $wstride i32) (local $o i32) (local $end i32) (local $k i32) (local $ko i32)
    (local $i i32) (local $qp i32) (local $wp i32)
    (local $acc v128) (local $pre v128) (local $h v128)
    (local $t v128) (local $nb v128) (local $r v128) (local $p v128) (local $s v128)
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    (local.set $wstride (i32.mul (local.get $embed) (local.get $stride))) ;; from W1[n, k] to W1[n + 1, k]
    (local.set $end (local.get $stride))
    (block $lanesDone
      (loop $lane
        (br_if $lanesDone (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.const 0))
        (local.set $ko (local.get $o))
        (block $unitsDone
          (loop $unit
            (br_if $unitsDone (i32.ge_u (local.get $k) (local.get $embed)))
            (local.set $pre (v128.const i32x4 0 0 0 0))
            (local.set $qp (i32.add (local.get $q) (local.get $o)))
            (local.set $wp (i32.add (local.get $w1) (local.get $ko)))
            (local.set $i (i32.const 0))
            (block $agentsDone
              (loop $agent
                (br_if $agentsDone (i32.ge_u (local.get $i) (local.get $agents)))
                (local.set $pre (f32x4.add (local.get $pre) (f32x4.mul (v128.load (local.get $qp)) (f32x4.abs (v128.load (local.get $wp))))))
                (local.set $qp (i32.add (local.get $qp) (local.get $stride)))
                (local.set $wp (i32.add (local.get $wp) (local.get $wstride)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $agent)))
            (local.set $pre (f32x4.add (local.get $pre) (v128.load (i32.add (local.get $b1) (local.get $ko)))))

        ;; $h = elu($pre) = $pre > 0 ? $pre : e^$pre − 1, the exponential as in sigmoid, with e^t − 1 = 2ⁿ·(r + r²·p) + (2ⁿ − 1)
        (local.set $t (f32x4.min (f32x4.max (local.get $pre) (v128.const f32x4 -87.3 -87.3 -87.3 -87.3)) (v128.const f32x4 0 0 0 0)))
        (local.set $nb (f32x4.add (f32x4.mul (local.get $t) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504)) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $r (f32x4.sub (local.get $t) (f32x4.mul (f32x4.sub (local.get $nb) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const f32x4 0.693147182 0.693147182 0.693147182 0.693147182))))
        (local.set $p (f32x4.add (f32x4.mul (v128.const f32x4 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3 8.3124779910e-3) (local.get $r)) (v128.const f32x4 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2 4.1890551110e-2)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1 1.6667116314e-1)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1 4.9999228817e-1)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r))) ;; e^r − 1
        (local.set $s (i32x4.shl (i32x4.sub (local.get $nb) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))) ;; 2ⁿ
        (local.set $h
          (v128.bitselect (local.get $pre)
            (f32x4.add (f32x4.mul (local.get $s) (local.get $p)) (f32x4.sub (local.get $s) (v128.const f32x4 1 1 1 1)))
            (f32x4.gt (local.get $pre) (v128.const f32x4 0 0 0 0))))
            (v128.store (i32.add (local.get $hidden) (local.get $ko)) (local.get $h))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $h) (f32x4.abs (v128.load (i32.add (local.get $wf) (local.get $ko)))))))
            (local.set $ko (i32.add (local.get $ko) (local.get $stride)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $unit)))
        (v128.store (i32.add (local.get $qTot) (local.get $o)) (f32x4.add (local.get $acc) (v128.load (i32.add (local.get $v) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $lane))))

  ;; qmixMixForward's backward from dqTot = ∂L/∂qTot [1, lanes] (padded lanes 0) and the forward's
  ;; q, w1, wf, hidden, with tfjs's kinks (|x|′ = −1 at 0, elu′ read from its output):
  ;;   dPre_k = dqTot·|wf_k| ⊙ (hidden_k ≥ 0 ? 1 : hidden_k + 1)    (also ∂L/∂b1)
  ;;   dWf_k = ±dqTot·hidden_k (sign of wf_k),  dW1[n, k] = ±dPre_k·q_n (sign of w1[n, k]),
  ;;   dq_n = Σ_k dPre_k·|w1[n, k]| (summed over k in order); every output is written, not added to.
  (func (export "qmixMixBackward")
    (param $dqTot i32) (param $q i32) (param $w1 i32) (param $wf i32) (param $hidden i32)
    (param $dPre i32) (param $dW1 i32) (param $dWf i32) (param $dq i32)
    (param $agents i32) (param $embed i32) (param $lanes i32)
    (local $stride i32) (local $wstride i32) (local $o i32) (local $k i32) (local $ko i32)
    (local $i i32) (local $qp i32) (local $wo i32) (local $dqp i32)
    (local $d v128) (local $h v128) (local $wv v128) (local $dh v128) (local $dp v128) (local $g v128)
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    (local.set $wstride (i32.mul (local.get $embed) (local.get $stride)))
    (block $lanesDone
      (loop $lane
        (br_if $lanesDone (i32.ge_u (local.get $o) (local.get $stride)))
        (local.set $d (v128.load (i32.add (local.get $dqTot) (local.get $o))))
        ;; dq ← 0 for these lanes
        (local.set $i (i32.const 0))
        (local.set $dqp (i32.add (local.get $dq) (local.get $o)))
        (block $zeroDone
          (loop $zero
            (br_if $zeroDone (i32.ge_u (local.get $i) (local.get $agents)))
            (v128.store (local.get $dqp) (v128.const i32x4 0 0 0 0))
            (local.set $dqp (i32.add (local.get $dqp) (local.get $stride)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $zero)))
        (local.set $k (i32.const 0))
        (local.set $ko (local.get $o))
        (block $unitsDone
          (loop $unit
            (br_if $unitsDone (i32.ge_u (local.get $k) (local.get $embed)))
            (local.set $h (v128.load (i32.add (local.get $hidden) (local.get $ko))))
            (local.set $wv (v128.load (i32.add (local.get $wf) (local.get $ko))))
            (local.set $dh (f32x4.mul (local.get $d) (f32x4.abs (local.get $wv))))
            (local.set $dp
              (v128.bitselect (local.get $dh) (f32x4.mul (local.get $dh) (f32x4.add (local.get $h) (v128.const f32x4 1 1 1 1)))
                (f32x4.ge (local.get $h) (v128.const f32x4 0 0 0 0))))
            (v128.store (i32.add (local.get $dPre) (local.get $ko)) (local.get $dp))
            (local.set $g (f32x4.mul (local.get $d) (local.get $h)))
            (v128.store (i32.add (local.get $dWf) (local.get $ko))
              (v128.bitselect (local.get $g) (f32x4.neg (local.get $g)) (f32x4.gt (local.get $wv) (v128.const f32x4 0 0 0 0))))
            (local.set $qp (i32.add (local.get $q) (local.get $o)))
            (local.set $dqp (i32.add (local.get $dq) (local.get $o)))
            (local.set $wo (local.get $ko))
            (local.set $i (i32.const 0))
            (block $agentsDone
              (loop $agent
                (br_if $agentsDone (i32.ge_u (local.get $i) (local.get $agents)))
                (local.set $wv (v128.load (i32.add (local.get $w1) (local.get $wo))))
                (local.set $g (f32x4.mul (local.get $dp) (v128.load (local.get $qp))))
                (v128.store (i32.add (local.get $dW1) (local.get $wo))
                  (v128.bitselect (local.get $g) (f32x4.neg (local.get $g)) (f32x4.gt (local.get $wv) (v128.const f32x4 0 0 0 0))))
                (v128.store (local.get $dqp) (f32x4.add (v128.load (local.get $dqp)) (f32x4.mul (local.get $dp) (f32x4.abs (local.get $wv)))))
                (local.set $qp (i32.add (local.get $qp) (local.get $stride)))
                (local.set $dqp (i32.add (local.get $dqp) (local.get $stride)))
                (local.set $wo (i32.add (local.get $wo) (local.get $wstride)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $agent)))
            (local.set $ko (i32.add (local.get $ko) (local.get $stride)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $unit)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $lane))))
)
