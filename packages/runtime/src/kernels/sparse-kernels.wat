;; Kernels of the sparse engine (src/runtime/sparse-engine.ts), in WebAssembly with 128-bit SIMD.
;; Compiled to sparse-kernels.wasm by scripts/build-wasm.mjs at build time.
;;
;; Layout: every activation is feature-major, [features, lanes] f32, where `lanes` is the batch
;; padded to a multiple of 4 (one v128 holds four batch rows of one feature). All pointers are byte
;; offsets into the one imported memory. A weight matrix is in compressed sparse rows: `rowStart`
;; [rows + 1] i32, `col` [nnz] i32 (input feature index), `val` [nnz] f32.
;;
;; Why SIMD over the batch: with unstructured sparsity there is no run of adjacent weights to
;; vectorise, but the batch rows of one input feature are adjacent, so each stored weight is loaded
;; once, splatted, and multiplied into 4 or 8 rows at a time.
(module
  (import "env" "memory" (memory 1))

  ;; y[r, :] = Σ_k val[k] · x[col[k], :] for r in [0, rows): the product of a sparse matrix with a
  ;; feature-major activation. Eight lanes per pass (two accumulators), then four if lanes % 8 = 4.
  (func (export "spmm")
    (param $rowStart i32) (param $col i32) (param $val i32) (param $rows i32)
    (param $x i32) (param $y i32) (param $lanes i32)
    (local $stride i32) (local $g i32) (local $r i32) (local $k i32) (local $end i32)
    (local $a0 v128) (local $a1 v128) (local $w v128) (local $xp i32) (local $yp i32)
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    (local.set $g (i32.const 0))
    ;; --- eight lanes at a time
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.gt_u (i32.add (local.get $g) (i32.const 8)) (local.get $lanes)))
        (local.set $yp (i32.add (local.get $y) (i32.shl (local.get $g) (i32.const 2))))
        (local.set $r (i32.const 0))
        (block $rowsDone
          (loop $row
            (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $k (i32.load (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))))
            (local.set $end (i32.load offset=4 (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))))
            (block $entriesDone
              (loop $entry
                (br_if $entriesDone (i32.ge_u (local.get $k) (local.get $end)))
                (local.set $w (f32x4.splat (f32.load (i32.add (local.get $val) (i32.shl (local.get $k) (i32.const 2))))))
                (local.set $xp
                  (i32.add
                    (i32.add (local.get $x) (i32.shl (local.get $g) (i32.const 2)))
                    (i32.mul (i32.load (i32.add (local.get $col) (i32.shl (local.get $k) (i32.const 2)))) (local.get $stride))))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $w) (v128.load (local.get $xp)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $w) (v128.load offset=16 (local.get $xp)))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $entry)))
            (v128.store (local.get $yp) (local.get $a0))
            (v128.store offset=16 (local.get $yp) (local.get $a1))
            (local.set $yp (i32.add (local.get $yp) (local.get $stride)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $row)))
        (local.set $g (i32.add (local.get $g) (i32.const 8)))
        (br $pairs)))
    ;; --- the last four lanes, when lanes is not a multiple of eight
    (if (i32.lt_u (local.get $g) (local.get $lanes))
      (then
        (local.set $yp (i32.add (local.get $y) (i32.shl (local.get $g) (i32.const 2))))
        (local.set $r (i32.const 0))
        (block $rowsDone
          (loop $row
            (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $k (i32.load (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))))
            (local.set $end (i32.load offset=4 (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))))
            (block $entriesDone
              (loop $entry
                (br_if $entriesDone (i32.ge_u (local.get $k) (local.get $end)))
                (local.set $xp
                  (i32.add
                    (i32.add (local.get $x) (i32.shl (local.get $g) (i32.const 2)))
                    (i32.mul (i32.load (i32.add (local.get $col) (i32.shl (local.get $k) (i32.const 2)))) (local.get $stride))))
                (local.set $a0
                  (f32x4.add (local.get $a0)
                    (f32x4.mul
                      (f32x4.splat (f32.load (i32.add (local.get $val) (i32.shl (local.get $k) (i32.const 2)))))
                      (v128.load (local.get $xp)))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $entry)))
            (v128.store (local.get $yp) (local.get $a0))
            (local.set $yp (i32.add (local.get $yp) (local.get $stride)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $row))))))

  ;; dst[f, r] = src[r, f]: rows × features row-major into the feature-major [features, lanes] layout
  (func (export "toFeatureMajor") (param $src i32) (param $dst i32) (param $rows i32) (param $features i32) (param $lanes i32)
    (local $r i32) (local $f i32) (local $s i32)
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $f (i32.const 0))
        (block $rowDone
          (loop $feature
            (br_if $rowDone (i32.ge_u (local.get $f) (local.get $features)))
            (f32.store
              (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $f) (local.get $lanes)) (local.get $r)) (i32.const 2)))
              (f32.load (i32.add (local.get $src) (local.get $s))))
            (local.set $s (i32.add (local.get $s) (i32.const 4)))
            (local.set $f (i32.add (local.get $f) (i32.const 1)))
            (br $feature)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; dst[r, f] = src[f, r]: the first `rows` lanes of a feature-major buffer back to row-major
  (func (export "toRowMajor") (param $src i32) (param $dst i32) (param $rows i32) (param $features i32) (param $lanes i32)
    (local $r i32) (local $f i32) (local $d i32)
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $f (i32.const 0))
        (block $rowDone
          (loop $feature
            (br_if $rowDone (i32.ge_u (local.get $f) (local.get $features)))
            (f32.store
              (i32.add (local.get $dst) (local.get $d))
              (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $f) (local.get $lanes)) (local.get $r)) (i32.const 2)))))
            (local.set $d (i32.add (local.get $d) (i32.const 4)))
            (local.set $f (i32.add (local.get $f) (i32.const 1)))
            (br $feature)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; y[f, :] = x[f, :] + bias[f]
  (func (export "addBias") (param $x i32) (param $bias i32) (param $y i32) (param $features i32) (param $lanes i32)
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
  (func (export "relu") (param $x i32) (param $y i32) (param $count i32)
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
  ;; ---------------------------------------------------------------------------------------------
  ;; Backward kernels (training). Lanes are agents × episodes; padded lanes carry zero gradients.

  ;; y[c, :] += Σ_{k in row r, col[k] = c} val[k] · x[r, :]: the product with the transpose, Wᵀ·x,
  ;; accumulated into y (which the caller zeroes or preloads).
  (func (export "spmmT")
    (param $rowStart i32) (param $col i32) (param $val i32) (param $rows i32)
    (param $x i32) (param $y i32) (param $lanes i32)
    (local $stride i32) (local $r i32) (local $k i32) (local $end i32) (local $w v128) (local $xp i32) (local $yp i32) (local $o i32)
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $xp (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $stride))))
        (local.set $k (i32.load (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))))
        (block $entriesDone
          (loop $entry
            (br_if $entriesDone (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $w (f32x4.splat (f32.load (i32.add (local.get $val) (i32.shl (local.get $k) (i32.const 2))))))
            (local.set $yp (i32.add (local.get $y) (i32.mul (i32.load (i32.add (local.get $col) (i32.shl (local.get $k) (i32.const 2)))) (local.get $stride))))
            (local.set $o (i32.const 0))
            (block $lanesDone
              (loop $lane
                (br_if $lanesDone (i32.ge_u (local.get $o) (local.get $stride)))
                (v128.store (i32.add (local.get $yp) (local.get $o))
                  (f32x4.add (v128.load (i32.add (local.get $yp) (local.get $o)))
                    (f32x4.mul (local.get $w) (v128.load (i32.add (local.get $xp) (local.get $o))))))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (br $lane)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $entry)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; g[k] += Σ_lanes dy[r, :] · x[col[k], :] for every stored entry k of row r: the weight gradient
  ;; of y = W·x at the stored positions only (a sampled dense-dense product).
  (func (export "sddmm")
    (param $rowStart i32) (param $col i32) (param $rows i32)
    (param $dy i32) (param $x i32) (param $g i32) (param $lanes i32)
    (local $stride i32) (local $r i32) (local $k i32) (local $end i32) (local $acc v128) (local $dp i32) (local $xp i32) (local $o i32) (local $gp i32)
    (local.set $stride (i32.shl (local.get $lanes) (i32.const 2)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $dp (i32.add (local.get $dy) (i32.mul (local.get $r) (local.get $stride))))
        (local.set $k (i32.load (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2)))))
        (block $entriesDone
          (loop $entry
            (br_if $entriesDone (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $xp (i32.add (local.get $x) (i32.mul (i32.load (i32.add (local.get $col) (i32.shl (local.get $k) (i32.const 2)))) (local.get $stride))))
            (local.set $acc (v128.const i32x4 0 0 0 0))
            (local.set $o (i32.const 0))
            (block $lanesDone
              (loop $lane
                (br_if $lanesDone (i32.ge_u (local.get $o) (local.get $stride)))
                (local.set $acc (f32x4.add (local.get $acc)
                  (f32x4.mul (v128.load (i32.add (local.get $dp) (local.get $o))) (v128.load (i32.add (local.get $xp) (local.get $o))))))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (br $lane)))
            (local.set $gp (i32.add (local.get $g) (i32.shl (local.get $k) (i32.const 2))))
            (f32.store (local.get $gp)
              (f32.add (f32.load (local.get $gp))
                (f32.add
                  (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                  (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $entry)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

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
)
