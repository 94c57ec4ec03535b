using System.Numerics;
using TorchSharp;

namespace Ppl;

/// <summary>
/// The seedable, splittable random source used by every entry point of Ppl. It is a
/// <see cref="System.Random"/> (so MathNet.Numerics samplers accept it) driven by xoshiro256**,
/// seeded through SplitMix64. <see cref="Split()"/> derives an independent stream deterministically, so
/// parallel chains and particles get reproducible streams whatever the thread count.
/// <para>
/// Draws from distributions with a finite support go through <see cref="DrawFinite{T}"/>, a hook that
/// the exact enumeration interpreter overrides to branch on every value instead of drawing one.
/// </para>
/// </summary>
public class Rng : System.Random
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a stream from a 64-bit seed.</summary>
    public Rng(ulong seed)
    {
        var sm = seed;
        _s0 = SplitMix64(ref sm);
        _s1 = SplitMix64(ref sm);
        _s2 = SplitMix64(ref sm);
        _s3 = SplitMix64(ref sm);
    }

    /// <summary>Creates a stream from a seed.</summary>
    public Rng(int seed) : this(unchecked((ulong)seed))
    {
    }

    private Rng(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static ulong SplitMix64(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public virtual ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>
    /// A new stream, statistically independent of this one, derived deterministically from this
    /// stream's state (this stream advances by one draw).
    /// </summary>
    public virtual Rng Split() => new(NextUInt64() ^ SplitSalt);

    /// <summary>
    /// The seed of the stream <see cref="Split()"/> would return (this stream advances by one draw): with
    /// <see cref="Reseed"/>, a split without allocating a stream, for loops that split one per particle at every step
    /// and reuse the children (and seed them on their own threads). Only for the plain stream: a subclass may
    /// override <see cref="Split()"/>.
    /// </summary>
    internal ulong NextSplitSeed() => NextUInt64() ^ SplitSalt;

    /// <summary>Makes this stream the one <c>new Rng(seed)</c> would be.</summary>
    internal void Reseed(ulong seed)
    {
        var sm = seed;
        _s0 = SplitMix64(ref sm);
        _s1 = SplitMix64(ref sm);
        _s2 = SplitMix64(ref sm);
        _s3 = SplitMix64(ref sm);
    }

    /// <summary>Mixed into a split child's seed so that it differs from a stream seeded with the same draw.</summary>
    private const ulong SplitSalt = 0x5851F42D4C957F2DUL;

    /// <summary><paramref name="count"/> independent streams split from this one, in order.</summary>
    public Rng[] Split(int count)
    {
        var r = new Rng[count];
        for (var i = 0; i < count; i++) r[i] = Split();
        return r;
    }

    /// <summary>A copy that will produce exactly the same draws as this stream from now on.</summary>
    public virtual Rng Clone() => new(_s0, _s1, _s2, _s3);

    /// <summary>The generator state (for an operation that may have to undo its draws and run again, e.g. a generated straight-line regenerate that bails out).</summary>
    internal (ulong, ulong, ulong, ulong) State
    {
        get => (_s0, _s1, _s2, _s3);
        set => (_s0, _s1, _s2, _s3) = value;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in (0, 1): never 0, for logarithms and inverse CDFs.</summary>
    public double NextOpenDouble() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <inheritdoc />
    protected override double Sample() => NextDouble();

    /// <inheritdoc />
    public override int Next() => (int)(NextUInt64() >> 33);

    /// <inheritdoc />
    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)NextBounded((ulong)maxValue);
    }

    /// <inheritdoc />
    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return (int)(minValue + (long)NextBounded((ulong)((long)maxValue - minValue)));
    }

    /// <inheritdoc />
    public override long NextInt64() => (long)(NextUInt64() >> 1);

    /// <inheritdoc />
    public override float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1U << 24));

    /// <inheritdoc />
    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());

    /// <inheritdoc />
    public override void NextBytes(Span<byte> buffer)
    {
        for (var i = 0; i < buffer.Length; i++) buffer[i] = (byte)(NextUInt64() >> 56);
    }

    /// <summary>Uniform integer in [0, bound) without modulo bias (Lemire's method).</summary>
    private ulong NextBounded(ulong bound)
    {
        if (bound == 0) return 0;
        var x = NextUInt64();
        var m = Math.BigMul(x, bound, out var low);
        if (low < bound)
        {
            var threshold = (0UL - bound) % bound;
            while (low < threshold)
            {
                x = NextUInt64();
                m = Math.BigMul(x, bound, out low);
            }
        }
        return m;
    }

    /// <summary>A standard normal draw (ziggurat method: one 64-bit draw and a compare for most draws).</summary>
    public double NextGaussian() => Ziggurat.Sample(this);

    /// <summary>
    /// Draws from a distribution with finite support. The default draws directly; the enumeration
    /// interpreter overrides this to visit every value of the support in turn.
    /// </summary>
    public virtual T DrawFinite<T>(Distributions.IFiniteDistribution<T> distribution) => distribution.SampleDirect(this);

    /// <summary>
    /// Draws an index with the given (not necessarily normalised) non-negative weights. The enumeration
    /// interpreter overrides this too, so resampling inside an algorithm can be enumerated exactly.
    /// </summary>
    public virtual int DrawIndex(ReadOnlySpan<double> weights)
    {
        double total = 0;
        foreach (var w in weights)
        {
            if (!(w >= 0) || double.IsInfinity(w)) throw new ArgumentException($"Weights must be finite and non-negative; got {w}.", nameof(weights));
            total += w;
        }
        if (total <= 0) throw new ArgumentException("All weights are zero.", nameof(weights));
        var u = NextDouble() * total;
        double c = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            c += weights[i];
            if (u < c) return i;
        }
        for (var i = weights.Length - 1; i >= 0; i--) if (weights[i] > 0) return i;
        return weights.Length - 1;
    }

    /// <summary>
    /// A TorchSharp generator for tensor sampling on <paramref name="device"/>, seeded from this stream. On a
    /// CUDA device the result is <c>null</c>, meaning "the device's default generator", which this call
    /// re-seeds from the stream: TorchSharp's <c>Generator(seed, device)</c> always makes a CPU generator, and
    /// CUDA kernels refuse one ("Expected a 'cuda' device type for generator but found 'cpu'", seen on an
    /// H100). Use the result for draws made right away; for a generator held across other work use
    /// <see cref="TensorRandom"/>, which re-seeds before every draw on CUDA.
    /// </summary>
    public torch.Generator? TorchGenerator(torch.Device? device = null)
    {
        var seed = (ulong)(NextUInt64() >> 1);
        if (device is { type: DeviceType.CUDA })
        {
            torch.cuda.manual_seed_all((long)seed);
            return null;
        }
        return new(seed, device ?? torch.CPU);
    }
}
