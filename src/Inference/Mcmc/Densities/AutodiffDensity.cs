using Ppl.Autodiff;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// A density from a function written over <see cref="Real"/>: the gradient is exact, by one forward pass
/// recording the thread's <see cref="Tape"/> and one backward sweep. This is how users (and, later,
/// generated code) write fast differentiable models.
/// </summary>
public sealed class AutodiffDensity : IDifferentiableDensity
{
    [ThreadStatic]
    private static Real[]? t_inputs;

    private readonly RealFunction _f;

    /// <summary>Creates the density.</summary>
    /// <param name="dimension">The number of unconstrained coordinates.</param>
    /// <param name="logDensity">log p(x) over tape values.</param>
    public AutodiffDensity(int dimension, RealFunction logDensity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Dimension = dimension;
        _f = logDensity ?? throw new ArgumentNullException(nameof(logDensity));
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public double LogDensity(ReadOnlySpan<double> x)
    {
        var tape = Tape.Current;
        tape.Reset();
        var inputs = Inputs();
        // Constants record nothing, so the value-only pass builds no tape.
        for (var i = 0; i < Dimension; i++) inputs[i] = x[i];
        return _f(inputs.AsSpan(0, Dimension)).Value;
    }

    /// <inheritdoc />
    public double LogDensityAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        var tape = Tape.Current;
        tape.Reset();
        var inputs = Inputs();
        for (var i = 0; i < Dimension; i++) inputs[i] = tape.Variable(x[i]);
        var y = _f(inputs.AsSpan(0, Dimension));
        tape.Backward(y);
        for (var i = 0; i < Dimension; i++) gradient[i] = tape.Adjoint(inputs[i]);
        return y.Value;
    }

    private Real[] Inputs()
    {
        var a = t_inputs;
        if (a is null || a.Length < Dimension) t_inputs = a = new Real[Math.Max(Dimension, 16)];
        return a;
    }
}
