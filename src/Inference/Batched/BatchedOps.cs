using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>
/// The operations the generator's batched form of a scalar <c>[Model]</c> method calls where C# operators
/// on <see cref="Tensor"/> do not say the same as the scalar code: comparisons and logic (bool tensors),
/// selects for branches on random values, and <see cref="Math"/> functions; and arithmetic (<see cref="Add(Tensor, Tensor)"/>
/// …), through <see cref="TensorArithmetic"/>, which keeps alive the scalars that TorchSharp's operators
/// leave to the finalizer. Each has overloads for a double on either side, so the generated code passes
/// scalar (shared) operands as they are.
/// </summary>
public static class BatchedOps
{
    /// <summary>A bool tensor from a condition: bool tensors as they are, numbers (a Bernoulli draw's 0/1) by ≠ 0.</summary>
    public static Tensor Mask(Tensor condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return condition.dtype == ScalarType.Bool ? condition : condition.Ne(0);
    }

    /// <summary>Per particle, <paramref name="whenTrue"/> where <paramref name="condition"/> holds, else <paramref name="whenFalse"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor whenTrue, Tensor whenFalse)
    {
        ArgumentNullException.ThrowIfNull(whenTrue);
        ArgumentNullException.ThrowIfNull(whenFalse);
        var t = whenTrue;
        var f = whenFalse;
        // A bool value selected with a number (a comparison kept in a local, then assigned 0/1) becomes a number.
        if (t.dtype == ScalarType.Bool && f.dtype != ScalarType.Bool) t = t.to_type(f.dtype);
        if (f.dtype == ScalarType.Bool && t.dtype != ScalarType.Bool) f = f.to_type(t.dtype);
        return where(Mask(condition), t, f);
    }

    /// <summary>x + y (<see cref="TensorArithmetic"/>: TorchSharp's <c>+</c> frees a temporary scalar that libtorch may still read).</summary>
    public static Tensor Add(Tensor x, Tensor y) => x.Plus(y);
    /// <summary>x + y.</summary>
    public static Tensor Add(Tensor x, double y) => x.Plus(y);
    /// <summary>x + y.</summary>
    public static Tensor Add(double x, Tensor y) => y.Plus(x);
    /// <summary>x − y.</summary>
    public static Tensor Sub(Tensor x, Tensor y) => x - y;
    /// <summary>x − y.</summary>
    public static Tensor Sub(Tensor x, double y) => x.Minus(y);
    /// <summary>x − y.</summary>
    public static Tensor Sub(double x, Tensor y) => y.SubtractedFrom(x);
    /// <summary>x × y.</summary>
    public static Tensor Mul(Tensor x, Tensor y) => x * y;
    /// <summary>x × y.</summary>
    public static Tensor Mul(Tensor x, double y) => x.Times(y);
    /// <summary>x × y.</summary>
    public static Tensor Mul(double x, Tensor y) => y.Times(x);
    /// <summary>x ÷ y.</summary>
    public static Tensor Div(Tensor x, Tensor y) => x / y;
    /// <summary>x ÷ y.</summary>
    public static Tensor Div(Tensor x, double y) => x.Over(y);
    /// <summary>x ÷ y (as TorchSharp's <c>x / y</c>: y's reciprocal times x).</summary>
    public static Tensor Div(double x, Tensor y) => y.reciprocal().Times(x);

    /// <summary>x &lt; y.</summary>
    public static Tensor Lt(Tensor x, Tensor y) => x.lt(y);
    /// <summary>x &lt; y.</summary>
    public static Tensor Lt(Tensor x, double y) => x.Lt(y);
    /// <summary>x &lt; y.</summary>
    public static Tensor Lt(double x, Tensor y) => y.Gt(x);
    /// <summary>x ≤ y.</summary>
    public static Tensor Le(Tensor x, Tensor y) => x.le(y);
    /// <summary>x ≤ y.</summary>
    public static Tensor Le(Tensor x, double y) => x.Le(y);
    /// <summary>x ≤ y.</summary>
    public static Tensor Le(double x, Tensor y) => y.Ge(x);
    /// <summary>x &gt; y.</summary>
    public static Tensor Gt(Tensor x, Tensor y) => x.gt(y);
    /// <summary>x &gt; y.</summary>
    public static Tensor Gt(Tensor x, double y) => x.Gt(y);
    /// <summary>x &gt; y.</summary>
    public static Tensor Gt(double x, Tensor y) => y.Lt(x);
    /// <summary>x ≥ y.</summary>
    public static Tensor Ge(Tensor x, Tensor y) => x.ge(y);
    /// <summary>x ≥ y.</summary>
    public static Tensor Ge(Tensor x, double y) => x.Ge(y);
    /// <summary>x ≥ y.</summary>
    public static Tensor Ge(double x, Tensor y) => y.Le(x);
    /// <summary>x = y (numbers; bool tensors compare as 0/1).</summary>
    public static Tensor Eq(Tensor x, Tensor y) => Num(x).eq(Num(y));
    /// <summary>x = y.</summary>
    public static Tensor Eq(Tensor x, double y) => Num(x).Eq(y);
    /// <summary>x = y.</summary>
    public static Tensor Eq(double x, Tensor y) => Num(y).Eq(x);
    /// <summary>x ≠ y.</summary>
    public static Tensor Ne(Tensor x, Tensor y) => Num(x).ne(Num(y));
    /// <summary>x ≠ y.</summary>
    public static Tensor Ne(Tensor x, double y) => Num(x).Ne(y);
    /// <summary>x ≠ y.</summary>
    public static Tensor Ne(double x, Tensor y) => Num(y).Ne(x);

    /// <summary>x ∧ y (both sides are evaluated).</summary>
    public static Tensor And(Tensor x, Tensor y) => Mask(x).logical_and(Mask(y));
    /// <summary>x ∧ y.</summary>
    public static Tensor And(Tensor x, bool y) => y ? Mask(x) : zeros_like(Mask(x));
    /// <summary>x ∧ y.</summary>
    public static Tensor And(bool x, Tensor y) => And(y, x);
    /// <summary>x ∨ y (both sides are evaluated).</summary>
    public static Tensor Or(Tensor x, Tensor y) => Mask(x).logical_or(Mask(y));
    /// <summary>x ∨ y.</summary>
    public static Tensor Or(Tensor x, bool y) => y ? ones_like(Mask(x)) : Mask(x);
    /// <summary>x ∨ y.</summary>
    public static Tensor Or(bool x, Tensor y) => Or(y, x);
    /// <summary>¬x.</summary>
    public static Tensor Not(Tensor x) => Mask(x).logical_not();

    /// <summary>Math.Exp.</summary>
    public static Tensor Exp(Tensor x) => x.exp();
    /// <summary>Math.Log.</summary>
    public static Tensor Log(Tensor x) => x.log();
    /// <summary>Math.Log10.</summary>
    public static Tensor Log10(Tensor x) => x.log10();
    /// <summary>Math.Log2.</summary>
    public static Tensor Log2(Tensor x) => x.log2();
    /// <summary>Math.Sqrt.</summary>
    public static Tensor Sqrt(Tensor x) => x.sqrt();
    /// <summary>Math.Cbrt.</summary>
    public static Tensor Cbrt(Tensor x) => x.sign() * x.abs().Pow(1.0 / 3.0);
    /// <summary>Math.Abs.</summary>
    public static Tensor Abs(Tensor x) => x.abs();
    /// <summary>Math.Sin.</summary>
    public static Tensor Sin(Tensor x) => x.sin();
    /// <summary>Math.Cos.</summary>
    public static Tensor Cos(Tensor x) => x.cos();
    /// <summary>Math.Tan.</summary>
    public static Tensor Tan(Tensor x) => x.tan();
    /// <summary>Math.Asin.</summary>
    public static Tensor Asin(Tensor x) => x.asin();
    /// <summary>Math.Acos.</summary>
    public static Tensor Acos(Tensor x) => x.acos();
    /// <summary>Math.Atan.</summary>
    public static Tensor Atan(Tensor x) => x.atan();
    /// <summary>Math.Sinh.</summary>
    public static Tensor Sinh(Tensor x) => x.sinh();
    /// <summary>Math.Cosh.</summary>
    public static Tensor Cosh(Tensor x) => x.cosh();
    /// <summary>Math.Tanh.</summary>
    public static Tensor Tanh(Tensor x) => x.tanh();
    /// <summary>Math.Floor.</summary>
    public static Tensor Floor(Tensor x) => x.floor();
    /// <summary>Math.Ceiling.</summary>
    public static Tensor Ceiling(Tensor x) => x.ceil();
    /// <summary>Math.Sign (as a number).</summary>
    public static Tensor Sign(Tensor x) => x.sign();
    /// <summary>Math.Pow.</summary>
    public static Tensor Pow(Tensor x, Tensor y) => x.pow(y);
    /// <summary>Math.Pow.</summary>
    public static Tensor Pow(Tensor x, double y) => x.Pow(y);
    /// <summary>Math.Pow.</summary>
    public static Tensor Pow(double x, Tensor y) => pow(x, y);
    /// <summary>Math.Atan2.</summary>
    public static Tensor Atan2(Tensor y, Tensor x) => y.atan2(x);
    /// <summary>Math.Atan2.</summary>
    public static Tensor Atan2(Tensor y, double x) => y.atan2(y.FullLike(x));
    /// <summary>Math.Atan2.</summary>
    public static Tensor Atan2(double y, Tensor x) => x.FullLike(y).atan2(x);
    /// <summary>Math.Max.</summary>
    public static Tensor Max(Tensor x, Tensor y) => maximum(x, y);
    /// <summary>Math.Max.</summary>
    public static Tensor Max(Tensor x, double y) => x.ClampMin(y);
    /// <summary>Math.Max.</summary>
    public static Tensor Max(double x, Tensor y) => y.ClampMin(x);
    /// <summary>Math.Min.</summary>
    public static Tensor Min(Tensor x, Tensor y) => minimum(x, y);
    /// <summary>Math.Min.</summary>
    public static Tensor Min(Tensor x, double y) => x.ClampMax(y);
    /// <summary>Math.Min.</summary>
    public static Tensor Min(double x, Tensor y) => y.ClampMax(x);
    /// <summary>Math.Clamp.</summary>
    public static Tensor Clamp(Tensor x, double min, double max) => x.Clamp(min, max);

    private static Tensor Num(Tensor x) => x.dtype == ScalarType.Bool ? x.to_type(ScalarType.Float64) : x;
}
