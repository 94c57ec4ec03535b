using Ppl.Distributions;
using Ppl.Dynamic;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// The posterior of a generative function's continuous scalar choices, as a density on unconstrained
/// space: log p(x(u), rest) + Σ log |dx/du|, where each selected choice x is mapped from ℝ by its
/// distribution's bijector and every other choice (observations, discrete choices, unselected ones)
/// keeps the value it has in the reference trace.
/// <para>
/// The log density is <c>Assess</c> of the model, so it works for any generative function whose traces
/// expose their distributions (today: the top-level choices of a <see cref="DynamicModel{TArgs, TRet}"/>).
/// The gradient is <b>numerical</b>: a central difference per coordinate (2 <c>Assess</c> calls each,
/// error about 1e-9 on smooth, well-scaled models), because double-valued
/// dynamic code runs outside any tape. Models written over <see cref="Ppl.Autodiff.Real"/> (see
/// <see cref="AutodiffDensity"/>) get exact gradients at a tiny fraction of the cost. The bijectors are
/// those of the reference trace, so a choice's support must not depend on other choices.
/// </para>
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <typeparam name="TRet">The model's return type.</typeparam>
public sealed class GenerativeFunctionDensity<TArgs, TRet> : IModelDensity
{
    private readonly IGenerativeFunction<TArgs, TRet> _model;
    private readonly TArgs _args;
    private readonly ChoiceMap _fixed;
    private readonly IBijector<double>[] _bijectors;

    /// <summary>
    /// The density of the selected continuous scalar choices of <paramref name="reference"/>, the other
    /// choices held at their values in it.
    /// </summary>
    /// <param name="reference">A trace of the model (e.g. from <c>Generate</c> with the observations).</param>
    /// <param name="selection">Which choices are the coordinates (only continuous doubles with a bijector are taken).</param>
    public GenerativeFunctionDensity(ITrace<TArgs, TRet> reference, Selection selection)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(selection);
        _model = reference.GenerativeFunction;
        _args = reference.Args;
        _fixed = reference.Choices;
        var sites = ContinuousSites(reference, selection);
        if (sites.Count == 0)
            throw new ArgumentException($"The selection names no continuous scalar choice of '{_model.Name}'.", nameof(selection));
        Addresses = sites.Select(s => s.Address).ToArray();
        _bijectors = sites.Select(s => s.Bijector).ToArray();
        // Top-level coordinates (the usual case) are overlaid on the fixed choices instead of set into a copy.
        if (Addresses.All(a => !a.IsRoot && a.Rest.IsRoot && _fixed.Contains(a))) _topLevel = Addresses.Select(a => a.First).ToArray();
    }

    private readonly AddressSegment[]? _topLevel;

    /// <summary>The density of every continuous scalar choice of <paramref name="model"/> given <paramref name="observations"/>.</summary>
    public GenerativeFunctionDensity(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations, Rng rng)
        : this(model.Generate(args, observations, rng).Trace, Selection.All)
    {
    }

    /// <summary>The address of each coordinate.</summary>
    public IReadOnlyList<Address> Addresses { get; }

    /// <inheritdoc />
    public int Dimension => Addresses.Count;

    /// <summary>The constrained values (choice values) at unconstrained position <paramref name="u"/>.</summary>
    public double[] Constrain(ReadOnlySpan<double> u)
    {
        var x = new double[Dimension];
        for (var i = 0; i < x.Length; i++) x[i] = _bijectors[i].Forward(u.Slice(i, 1));
        return x;
    }

    /// <inheritdoc />
    public double[] Unconstrain(ChoiceMap choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var u = new double[Dimension];
        for (var i = 0; i < u.Length; i++) _bijectors[i].Inverse(choices.Get<double>(Addresses[i]), u.AsSpan(i, 1));
        return u;
    }

    /// <summary>The unconstrained position of a trace's values.</summary>
    public double[] Unconstrain(ITrace trace)
    {
        var u = new double[Dimension];
        for (var i = 0; i < u.Length; i++) _bijectors[i].Inverse(trace.Choices.Get<double>(Addresses[i]), u.AsSpan(i, 1));
        return u;
    }

    /// <summary>The reference trace's choices with the coordinates set from <paramref name="u"/>.</summary>
    public ChoiceMap ToChoices(ReadOnlySpan<double> u)
    {
        var map = _fixed;
        for (var i = 0; i < Dimension; i++) map = map.Set(Addresses[i], _bijectors[i].Forward(u.Slice(i, 1)));
        return map;
    }

    private ChoiceMap Choices(ReadOnlySpan<double> u)
    {
        if (_topLevel is null) return ToChoices(u);
        var x = new double[Dimension];
        for (var i = 0; i < x.Length; i++) x[i] = _bijectors[i].Forward(u.Slice(i, 1));
        return new OverlayChoiceMap(_fixed, _topLevel, x);
    }

    /// <summary>Moves <paramref name="trace"/> (of the same model) to position <paramref name="u"/>.</summary>
    public ITrace<TArgs, TRet> Apply(ITrace<TArgs, TRet> trace, ReadOnlySpan<double> u, Rng rng)
    {
        var c = ChoiceMap.Empty;
        for (var i = 0; i < Dimension; i++) c = c.Set(Addresses[i], _bijectors[i].Forward(u.Slice(i, 1)));
        return _model.Update(trace, trace.Args, c, rng).Trace;
    }

    /// <inheritdoc />
    double[] IModelDensity.Constrain(ReadOnlySpan<double> u) => Constrain(u);

    /// <inheritdoc />
    public IReadOnlyList<Address> DerivedAddresses => [];

    /// <inheritdoc />
    public double[] Report(ReadOnlySpan<double> u) => Constrain(u);

    /// <inheritdoc />
    public double Check(ReadOnlySpan<double> u)
    {
        var lp = LogDensity(u);
        if (double.IsFinite(lp)) return lp;
        var x = Constrain(u);
        throw new ModelException($"The log density of '{_model.Name}' is {lp} at {string.Join(", ", x.Select((v, i) => $"{Addresses[i]} = {v:G6}").Take(8))}.");
    }

    /// <inheritdoc />
    public double LogDensity(ReadOnlySpan<double> u)
    {
        double logJ = 0;
        for (var i = 0; i < Dimension; i++)
        {
            var j = _bijectors[i].LogAbsDetJacobian(u.Slice(i, 1));
            logJ += j;
        }
        if (!double.IsFinite(logJ)) return double.NegativeInfinity;
        double w;
        try
        {
            w = _model.Assess(_args, Choices(u)).Weight;
        }
        catch (DistributionParameterException)
        {
            // A parameter pushed out of its domain by an extreme position: zero density, as in Stan.
            return double.NegativeInfinity;
        }
        return w + logJ;
    }

    /// <inheritdoc />
    public double LogDensityAndGradient(ReadOnlySpan<double> u, Span<double> gradient)
    {
        var x = u.ToArray();
        for (var i = 0; i < x.Length; i++)
        {
            var x0 = x[i];
            // A central difference with h ≈ ε^(1/3): truncation h²f‴/6 and rounding ε|f|/h both near 1e-10
            // relative, ample for leapfrog integration, at 2 Assess calls per coordinate.
            var h = 6e-6 * (1 + Math.Abs(x0));
            x[i] = x0 + h;
            var fp = LogDensity(x);
            x[i] = x0 - h;
            var fm = LogDensity(x);
            x[i] = x0;
            gradient[i] = (fp - fm) / (2 * h);
        }
        return LogDensity(u);
    }

    private static List<(Address Address, IBijector<double> Bijector)> ContinuousSites(ITrace<TArgs, TRet> trace, Selection selection)
    {
        if (trace is not DynamicTrace<TArgs, TRet> dt)
            throw new NotSupportedException($"GenerativeFunctionDensity needs a trace that exposes its distributions; '{trace.Function.Name}' produced a {trace.GetType().Name}.");
        var sites = new List<(Address, IBijector<double>)>();
        foreach (var (address, record) in dt.ChoiceRecords)
            if (selection.Contains(address) && record.Value is double && !record.Distribution.IsDiscrete && record.Distribution is IHasBijector<double> hb)
                sites.Add((address, hb.Bijector));
        return sites;
    }
}
