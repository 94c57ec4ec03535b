using TorchSharp;
using static TorchSharp.torch;

namespace Ppl;

/// <summary>
/// Tensor arithmetic that keeps every TorchSharp <see cref="Scalar"/> it uses alive until libtorch has
/// returned: tensor + tensor, tensor ⊕ number, comparisons and fills with a number, <c>square</c>,
/// <c>softplus</c>. Library code (and a model's tensor code run beside other threads) uses these instead of
/// TorchSharp's operators and number overloads.
/// </summary>
/// <remarks>
/// <para>
/// Why: TorchSharp turns a number operand into a <see cref="Scalar"/>, a .NET object that owns a native
/// <c>c10::Scalar</c> and frees it in its finalizer, then passes only the native handle to libtorch. Nothing
/// keeps the object reachable during the native call, so a garbage collection that another thread starts
/// during the call can let the finalizer thread free the <c>c10::Scalar</c> while libtorch reads it: libtorch
/// then fails with "Expected false to be true … toDouble at c10/core/Scalar.h:140", "Unknown scalar type"
/// or an internal assert in <c>Scalar.h</c>, or computes with a garbage value. <c>t + u</c> is affected too
/// (TorchSharp's <c>add(Tensor)</c> makes a temporary <c>Scalar</c> for <c>alpha = 1</c>), as are
/// <c>t + s</c> with an explicit <see cref="Scalar"/>, <c>c - t</c>, <c>square()</c> (<c>pow(2)</c>),
/// <c>nn.functional.softplus</c>, <c>torch.arange(n)</c> and <c>Tensor.ToDouble()</c>.
/// </para>
/// <para>
/// These methods create the <see cref="Scalar"/> themselves and dispose of it after the call (which keeps it
/// reachable until then), use cached scalars (static, so never finalized) for the constants 1 and 2, and keep
/// their tensor operands reachable until the call has returned. A number's .NET type is kept: a
/// <see cref="long"/> (or <see cref="int"/>) stays an integral scalar, so integer tensors stay integral.
/// What needs no temporary <see cref="Scalar"/> stays safe as it is: tensor − tensor, tensor × tensor,
/// tensor ÷ tensor, comparisons of two tensors, and TorchSharp's number overloads given a
/// <see cref="Scalar"/> that the caller keeps alive (tensor × scalar, tensor ÷ scalar, tensor − scalar).
/// </para>
/// </remarks>
public static class TensorArithmetic
{
    // Static: reachable for the life of the process, so never finalized under a running call.
    private static readonly Scalar One = 1.ToScalar();
    private static readonly Scalar Two = 2.ToScalar();

    /// <summary><paramref name="tensor"/> + <paramref name="other"/>, element-wise (broadcasting).</summary>
    public static Tensor Plus(this Tensor tensor, Tensor other)
    {
        var result = tensor.add(other, One);
        GC.KeepAlive(tensor);
        GC.KeepAlive(other);
        return result;
    }

    /// <summary><paramref name="tensor"/> + <paramref name="value"/>, element-wise.</summary>
    public static Tensor Plus(this Tensor tensor, double value)
    {
        using var s = value.ToScalar();
        var result = tensor.add(s, One);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary><paramref name="tensor"/> + <paramref name="value"/>, element-wise (an integral scalar).</summary>
    public static Tensor Plus(this Tensor tensor, long value)
    {
        using var s = value.ToScalar();
        var result = tensor.add(s, One);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary><paramref name="tensor"/> − <paramref name="value"/>, element-wise.</summary>
    public static Tensor Minus(this Tensor tensor, double value)
    {
        using var s = value.ToScalar();
        var result = tensor.sub(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary><paramref name="tensor"/> − <paramref name="value"/>, element-wise (an integral scalar).</summary>
    public static Tensor Minus(this Tensor tensor, long value)
    {
        using var s = value.ToScalar();
        var result = tensor.sub(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary><paramref name="value"/> − <paramref name="tensor"/>, element-wise (TorchSharp's <c>value - tensor</c>: −tensor + value).</summary>
    public static Tensor SubtractedFrom(this Tensor tensor, double value)
    {
        using var s = value.ToScalar();
        return NegatedPlus(tensor, s);
    }

    /// <summary><paramref name="value"/> − <paramref name="tensor"/>, element-wise (an integral scalar).</summary>
    public static Tensor SubtractedFrom(this Tensor tensor, long value)
    {
        using var s = value.ToScalar();
        return NegatedPlus(tensor, s);
    }

    private static Tensor NegatedPlus(Tensor tensor, Scalar s)
    {
        using var negated = tensor.neg();
        var result = negated.add(s, One);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary><paramref name="tensor"/> × <paramref name="value"/>, element-wise.</summary>
    public static Tensor Times(this Tensor tensor, double value)
    {
        using var s = value.ToScalar();
        var result = tensor.mul(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary><paramref name="tensor"/> × <paramref name="value"/>, element-wise (an integral scalar).</summary>
    public static Tensor Times(this Tensor tensor, long value)
    {
        using var s = value.ToScalar();
        var result = tensor.mul(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary><paramref name="tensor"/> ÷ <paramref name="value"/>, element-wise (true division, as TorchSharp's <c>/</c>).</summary>
    public static Tensor Over(this Tensor tensor, double value)
    {
        using var s = value.ToScalar();
        var result = tensor.div(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary><paramref name="tensor"/> ÷ <paramref name="value"/>, element-wise (true division, as TorchSharp's <c>/</c>).</summary>
    public static Tensor Over(this Tensor tensor, long value)
    {
        using var s = value.ToScalar();
        var result = tensor.div(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary><paramref name="tensor"/>², element-wise (TorchSharp's <c>square()</c>, which is <c>pow(2)</c>).</summary>
    public static Tensor Squared(this Tensor tensor)
    {
        var result = tensor.pow(Two);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary><paramref name="tensor"/> to the power <paramref name="exponent"/>, element-wise.</summary>
    public static Tensor Pow(this Tensor tensor, double exponent)
    {
        using var s = exponent.ToScalar();
        var result = tensor.pow(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary><paramref name="tensor"/> to the power <paramref name="exponent"/>, element-wise (an integral exponent, as TorchSharp's <c>pow(2)</c>).</summary>
    public static Tensor Pow(this Tensor tensor, long exponent)
    {
        using var s = exponent.ToScalar();
        var result = tensor.pow(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary>
    /// log(1 + exp(<paramref name="tensor"/>)), element-wise, computed as <c>logaddexp(tensor, 0)</c>: stable for
    /// large and small inputs, gradient sigmoid(x). (TorchSharp's <c>nn.functional.softplus</c> makes temporary
    /// scalars for its beta and threshold; this matches it to rounding, and above its threshold of 20 to within
    /// log1p(e^−20) ≈ 2·10⁻⁹.)
    /// </summary>
    public static Tensor Softplus(this Tensor tensor)
    {
        using var zero = zeros(Array.Empty<long>(), dtype: tensor.dtype, device: tensor.device);
        var result = tensor.logaddexp(zero);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary>Leaky ReLU: <paramref name="tensor"/> where positive, else <paramref name="negativeSlope"/> × <paramref name="tensor"/>.</summary>
    public static Tensor LeakyRelu(this Tensor tensor, double negativeSlope = 0.01)
    {
        using var s = negativeSlope.ToScalar();
        var result = tensor.leaky_relu(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary>Element-wise <paramref name="tensor"/> &gt; <paramref name="value"/> (a bool tensor).</summary>
    public static Tensor Gt(this Tensor tensor, double value)
    {
        using var s = value.ToScalar();
        var result = tensor.gt(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary>Element-wise <paramref name="tensor"/> ≥ <paramref name="value"/> (a bool tensor).</summary>
    public static Tensor Ge(this Tensor tensor, double value)
    {
        using var s = value.ToScalar();
        var result = tensor.ge(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary>Element-wise <paramref name="tensor"/> &lt; <paramref name="value"/> (a bool tensor).</summary>
    public static Tensor Lt(this Tensor tensor, double value)
    {
        using var s = value.ToScalar();
        var result = tensor.lt(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary>Element-wise <paramref name="tensor"/> ≤ <paramref name="value"/> (a bool tensor).</summary>
    public static Tensor Le(this Tensor tensor, double value)
    {
        using var s = value.ToScalar();
        var result = tensor.le(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary>Element-wise <paramref name="tensor"/> = <paramref name="value"/> (a bool tensor).</summary>
    public static Tensor Eq(this Tensor tensor, double value)
    {
        using var s = value.ToScalar();
        var result = tensor.eq(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary>Element-wise <paramref name="tensor"/> ≠ <paramref name="value"/> (a bool tensor).</summary>
    public static Tensor Ne(this Tensor tensor, double value)
    {
        using var s = value.ToScalar();
        var result = tensor.ne(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary>max(<paramref name="tensor"/>, <paramref name="min"/>), element-wise.</summary>
    public static Tensor ClampMin(this Tensor tensor, double min)
    {
        using var s = min.ToScalar();
        var result = tensor.clamp_min(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary>max(<paramref name="tensor"/>, <paramref name="min"/>), element-wise (an integral scalar: integer tensors stay integral).</summary>
    public static Tensor ClampMin(this Tensor tensor, long min)
    {
        using var s = min.ToScalar();
        var result = tensor.clamp_min(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary>min(<paramref name="tensor"/>, <paramref name="max"/>), element-wise.</summary>
    public static Tensor ClampMax(this Tensor tensor, double max)
    {
        using var s = max.ToScalar();
        var result = tensor.clamp_max(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary>min(<paramref name="tensor"/>, <paramref name="max"/>), element-wise (an integral scalar: integer tensors stay integral).</summary>
    public static Tensor ClampMax(this Tensor tensor, long max)
    {
        using var s = max.ToScalar();
        var result = tensor.clamp_max(s);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary><paramref name="tensor"/> clamped into [<paramref name="min"/>, <paramref name="max"/>], element-wise.</summary>
    public static Tensor Clamp(this Tensor tensor, double min, double max)
    {
        using var lo = min.ToScalar();
        using var hi = max.ToScalar();
        var result = tensor.clamp(lo, hi);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary><paramref name="tensor"/> clamped into [<paramref name="min"/>, <paramref name="max"/>] in place; returns <paramref name="tensor"/>.</summary>
    public static Tensor ClampInPlace(this Tensor tensor, double min, double max)
    {
        using var lo = min.ToScalar();
        using var hi = max.ToScalar();
        tensor.clamp_(lo, hi);
        return tensor;
    }

    /// <summary><paramref name="tensor"/> with <paramref name="value"/> where <paramref name="mask"/> holds.</summary>
    public static Tensor MaskedFill(this Tensor tensor, Tensor mask, double value)
    {
        using var s = value.ToScalar();
        var result = tensor.masked_fill(mask, s);
        GC.KeepAlive(tensor);
        GC.KeepAlive(mask);
        return result;
    }

    /// <summary><paramref name="tensor"/> with <paramref name="value"/> where <paramref name="mask"/> holds (an integral scalar).</summary>
    public static Tensor MaskedFill(this Tensor tensor, Tensor mask, long value)
    {
        using var s = value.ToScalar();
        var result = tensor.masked_fill(mask, s);
        GC.KeepAlive(tensor);
        GC.KeepAlive(mask);
        return result;
    }

    /// <summary>Multiplies <paramref name="tensor"/> by <paramref name="value"/> in place; returns <paramref name="tensor"/>.</summary>
    public static Tensor MulInPlace(this Tensor tensor, double value)
    {
        using var s = value.ToScalar();
        tensor.mul_(s);
        return tensor;
    }

    /// <summary>Adds <paramref name="other"/> to <paramref name="tensor"/> in place; returns <paramref name="tensor"/>.</summary>
    public static Tensor AddInPlace(this Tensor tensor, Tensor other)
    {
        tensor.add_(other, One);
        GC.KeepAlive(other);
        return tensor;
    }

    /// <summary>Adds <paramref name="alpha"/> × <paramref name="other"/> to <paramref name="tensor"/> in place; returns <paramref name="tensor"/>.</summary>
    public static Tensor AddInPlace(this Tensor tensor, Tensor other, double alpha)
    {
        using var s = alpha.ToScalar();
        tensor.add_(other, s);
        GC.KeepAlive(other);
        return tensor;
    }

    /// <summary>Adds <paramref name="value"/> to <paramref name="tensor"/> in place; returns <paramref name="tensor"/>.</summary>
    public static Tensor AddInPlace(this Tensor tensor, double value)
    {
        using var s = value.ToScalar();
        tensor.add_(s, One);
        return tensor;
    }

    /// <summary>Subtracts <paramref name="value"/> from <paramref name="tensor"/> in place; returns <paramref name="tensor"/>.</summary>
    public static Tensor MinusInPlace(this Tensor tensor, double value)
    {
        using var s = value.ToScalar();
        tensor.sub_(s);
        return tensor;
    }

    /// <summary>Adds <paramref name="value"/> × <paramref name="t1"/> × <paramref name="t2"/> to <paramref name="tensor"/> in place; returns <paramref name="tensor"/>.</summary>
    public static Tensor AddCMulInPlace(this Tensor tensor, Tensor t1, Tensor t2, double value)
    {
        using var s = value.ToScalar();
        tensor.addcmul_(t1, t2, s);
        GC.KeepAlive(t1);
        GC.KeepAlive(t2);
        return tensor;
    }

    /// <summary>Adds <paramref name="value"/> × <paramref name="t1"/> ÷ <paramref name="t2"/> to <paramref name="tensor"/> in place; returns <paramref name="tensor"/>.</summary>
    public static Tensor AddCDivInPlace(this Tensor tensor, Tensor t1, Tensor t2, double value)
    {
        using var s = value.ToScalar();
        tensor.addcdiv_(t1, t2, s);
        GC.KeepAlive(t1);
        GC.KeepAlive(t2);
        return tensor;
    }

    /// <summary>Fills <paramref name="tensor"/> with <paramref name="value"/> in place; returns <paramref name="tensor"/>.</summary>
    public static Tensor FillInPlace(this Tensor tensor, double value)
    {
        using var s = value.ToScalar();
        tensor.fill_(s);
        return tensor;
    }

    /// <summary>A tensor of <paramref name="like"/>'s shape (and, unless given, dtype and device) filled with <paramref name="value"/>.</summary>
    public static Tensor FullLike(this Tensor like, double value, ScalarType? dtype = null, Device? device = null)
    {
        using var s = value.ToScalar();
        var result = full_like(like, s, dtype, device);
        GC.KeepAlive(like);
        return result;
    }

    /// <summary>A tensor of <paramref name="like"/>'s shape (and, unless given, dtype and device) filled with <paramref name="value"/> (an integral scalar).</summary>
    public static Tensor FullLike(this Tensor like, long value, ScalarType? dtype = null, Device? device = null)
    {
        using var s = value.ToScalar();
        var result = full_like(like, s, dtype, device);
        GC.KeepAlive(like);
        return result;
    }

    /// <summary>A tensor of shape <paramref name="size"/> filled with <paramref name="value"/>.</summary>
    public static Tensor Full(long[] size, double value, ScalarType? dtype = null, Device? device = null)
    {
        using var s = value.ToScalar();
        return full(size, s, dtype, device);
    }

    /// <summary>A tensor of shape <paramref name="size"/> filled with <paramref name="value"/> (an integral scalar: the default dtype is then int64).</summary>
    public static Tensor Full(long[] size, long value, ScalarType? dtype = null, Device? device = null)
    {
        using var s = value.ToScalar();
        return full(size, s, dtype, device);
    }

    /// <summary>0, 1, …, <paramref name="end"/> − 1 (TorchSharp's <c>arange(end)</c>; int64 unless <paramref name="dtype"/> says otherwise).</summary>
    public static Tensor Arange(long end, ScalarType? dtype = null, Device? device = null) => Arange(0, end, dtype, device);

    /// <summary><paramref name="start"/>, <paramref name="start"/> + 1, …, <paramref name="end"/> − 1 (int64 unless <paramref name="dtype"/> says otherwise).</summary>
    public static Tensor Arange(long start, long end, ScalarType? dtype = null, Device? device = null)
    {
        using var from = start.ToScalar();
        using var to = end.ToScalar();
        return arange(from, to, One, dtype, device);
    }

    /// <summary><paramref name="start"/>, <paramref name="start"/> + <paramref name="step"/>, … up to but excluding <paramref name="end"/> (int64 unless <paramref name="dtype"/> says otherwise).</summary>
    public static Tensor Arange(long start, long end, long step, ScalarType? dtype = null, Device? device = null)
    {
        using var from = start.ToScalar();
        using var to = end.ToScalar();
        using var by = step.ToScalar();
        return arange(from, to, by, dtype, device);
    }

    /// <summary>The value of a one-element tensor as a double, whatever its dtype (TorchSharp's <c>ToDouble()</c>, which reads a temporary <see cref="Scalar"/>).</summary>
    public static double ToDoubleValue(this Tensor tensor)
    {
        using var s = tensor.ToScalar();
        var value = s.ToDouble();
        GC.KeepAlive(tensor);
        return value;
    }
}
