using Ppl.Autodiff;
using Ppl.Modeling;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// The posterior of a model's continuous choices as a density on unconstrained space, from the model's
/// differentiable form (written by the source generator for a <c>[Model]</c> method): the log joint density
/// log p(x(u), held values) + Σ log |dx/du| with its <b>exact</b> gradient, by one forward pass over
/// <see cref="Real"/> and one backward sweep of the thread's <see cref="Tape"/>. Every continuous choice is
/// mapped from ℝ by its distribution's bijector, whose bounds may depend on other choices or arguments
/// (<c>Uniform(0, 1 − α)</c>): they are re-evaluated at every position, never fixed from a first draw.
/// <para>
/// The coordinates are the selected continuous choices that are not observed, in the order the model
/// visits them (<see cref="Addresses"/>); observed values and every other choice (discrete ones included)
/// are held. Safe to call from several threads at once (one context and tape per thread).
/// </para>
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
public sealed class ModelDensity<TArgs> : IModelDensity
{
    [ThreadStatic]
    private static Real[]? t_theta;

    private readonly DifferentiableBody<TArgs> _body;
    private readonly TArgs _args;
    private readonly ChoiceMap _observations;
    private readonly ChoiceMap _held;

    /// <summary>Lays out the density of <paramref name="body"/> (one run of the model).</summary>
    /// <param name="name">The model's name, for messages.</param>
    /// <param name="body">The model's differentiable form.</param>
    /// <param name="args">The model's arguments.</param>
    /// <param name="observations">Observed values (constraints on choices, or values of observations).</param>
    /// <param name="held">Values of the choices that are not coordinates, and starting values of those that are (may be empty).</param>
    /// <param name="selection">Which continuous choices are coordinates (default: all that are not observed).</param>
    /// <param name="sumOutDiscrete">
    /// Sum every unobserved discrete choice with a finite support out of the density exactly (as Stan's <c>log_mix</c>
    /// or NumPyro's enumeration): the density is log Σ_k p(x, k) over every combination k of their values, one run of
    /// the form per combination, and each draw reports E[k | x] for each of them (<see cref="DerivedAddresses"/>).
    /// </param>
    public ModelDensity(string name, DifferentiableBody<TArgs> body, TArgs args, ChoiceMap observations, ChoiceMap? held = null, Selection? selection = null,
        bool sumOutDiscrete = false)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        _body = body ?? throw new ArgumentNullException(nameof(body));
        _args = args;
        _observations = observations ?? throw new ArgumentNullException(nameof(observations));
        _held = held ?? ChoiceMap.Empty;
        _sumOut = sumOutDiscrete;
        Layout = DifferentiableContext.Discover(name, body, args, _observations, _held, selection ?? Selection.All, sumOutDiscrete);
        if (Layout.Dimension == 0)
            throw new ArgumentException($"'{name}' has no continuous choice to infer: every continuous choice is observed or held.", nameof(observations));
        Addresses = Layout.Coordinates;
        long combinations = 1;
        foreach (var c in Layout.Summed)
        {
            combinations *= c.Size;
            if (combinations > MaxCombinations)
                throw new ArgumentException(
                    $"Summing out {string.Join(", ", Layout.SummedOut)} of '{name}' takes more than {MaxCombinations} runs of the model per evaluation (one per combination of their values); hold some of them and move them with Gibbs instead.",
                    nameof(sumOutDiscrete));
        }
        _combinations = (int)combinations;
        DerivedAddresses = [.. Layout.Deterministics, .. Layout.SummedOut];
    }

    /// <summary>The most combinations of summed-out values one evaluation may visit.</summary>
    public const int MaxCombinations = 1 << 16;

    private readonly bool _sumOut;
    private readonly int _combinations;

    /// <summary>The model's name.</summary>
    public string Name { get; }

    /// <summary>The layout: which site is which coordinate, what is held.</summary>
    public DifferentiableLayout Layout { get; }

    /// <summary>The address of each coordinate.</summary>
    public IReadOnlyList<Address> Addresses { get; }

    /// <inheritdoc />
    public int Dimension => Layout.Dimension;

    /// <summary>The observations the density conditions on.</summary>
    public ChoiceMap Observations => _observations;

    /// <inheritdoc />
    public double LogDensity(ReadOnlySpan<double> x) => Evaluate(x, default, gradient: false, record: null, diagnose: false);

    /// <inheritdoc />
    public double LogDensityAndGradient(ReadOnlySpan<double> x, Span<double> gradient) => Evaluate(x, gradient, gradient: true, record: null, diagnose: false);

    /// <inheritdoc />
    public IReadOnlyList<Address> ValueAddresses => Layout.Values;

    /// <summary>The choices' values (constrained) at the unconstrained position <paramref name="u"/>, one per entry of <see cref="ValueAddresses"/>.</summary>
    public double[] Constrain(ReadOnlySpan<double> u)
    {
        var values = new double[Layout.Values.Count];
        Evaluate(u, default, gradient: false, record: values, diagnose: false);
        return values;
    }

    /// <inheritdoc />
    /// <remarks>The deterministic quantities, then each summed-out choice (its conditional mean given the position).</remarks>
    public IReadOnlyList<Address> DerivedAddresses { get; }

    /// <inheritdoc />
    public double[] Report(ReadOnlySpan<double> u)
    {
        var values = new double[Layout.Values.Count];
        var derived = new double[DerivedAddresses.Count];
        Evaluate(u, default, gradient: false, record: values, diagnose: false, derived);
        return [.. values, .. derived];
    }

    /// <summary>The unconstrained position of the given values of the coordinates' choices (found in <paramref name="choices"/>).</summary>
    public double[] Unconstrain(ChoiceMap choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var layout = DifferentiableContext.Discover(Name, _body, _args, _observations, choices.Merge(_held), Selection.At([.. Layout.Choices.Select(c => c.Address)]), _sumOut);
        if (layout.Dimension != Dimension)
            throw new ArgumentException($"The choices give a layout of {layout.Dimension} coordinates; '{Name}' has {Dimension} here.", nameof(choices));
        return layout.Start.ToArray();
    }

    /// <summary>The held values and observations with the coordinates' choices set to their values at <paramref name="u"/>.</summary>
    public ChoiceMap ToChoices(ReadOnlySpan<double> u)
    {
        return SetValues(_held.Merge(_observations), Constrain(u));
    }

    /// <summary><paramref name="map"/> with each coordinate's choice set to its value from a draw's entries (a double, a double[] or a double[,]).</summary>
    public ChoiceMap SetValues(ChoiceMap map, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(map);
        foreach (var c in Layout.Choices) map = map.Set(c.Address, c.ValueFrom(values));
        return map;
    }

    /// <summary>
    /// Checks the log density at <paramref name="u"/>: returns it when it is finite; otherwise throws an
    /// exception naming the first site whose log density is NaN and the parameter at fault (a
    /// <see cref="DistributionParameterException"/>), or says that the density is −∞ and where its value lies.
    /// </summary>
    public double Check(ReadOnlySpan<double> u)
    {
        var lp = Evaluate(u, default, gradient: false, record: null, diagnose: true);
        if (double.IsFinite(lp)) return lp;
        var values = Constrain(u);
        var shown = string.Join(", ", values.Select((v, i) => $"{Layout.Values[i]} = {v:G6}").Take(8)) + (values.Length > 8 ? ", …" : "");
        throw new ModelException($"The log density of '{Name}' is {lp} at {shown}: a value outside its support, or an observation impossible under the model.");
    }

    private double Evaluate(ReadOnlySpan<double> x, Span<double> gradientOut, bool gradient, double[]? record, bool diagnose, double[]? derived = null)
    {
        if (x.Length != Dimension)
            throw new ArgumentException($"The position has {x.Length} coordinates; the density of '{Name}' has {Dimension} ({string.Join(", ", Addresses.Take(6))}{(Dimension > 6 ? ", …" : "")}).");
        var tape = Tape.Current;
        tape.Reset();
        var theta = t_theta;
        if (theta is null || theta.Length < Dimension) t_theta = theta = new Real[Math.Max(Dimension, 16)];
        if (gradient)
            for (var i = 0; i < Dimension; i++) theta[i] = tape.Variable(x[i]);
        else
            for (var i = 0; i < Dimension; i++) theta[i] = x[i];
        var context = DifferentiableContext.ForThread;
        Real lp;
        if (Layout.Summed.Length == 0)
        {
            // A run that records the values for a report (Constrain, Report) needs no log density: its sites skip theirs.
            context.Begin(Layout, theta, record, diagnose, Name, derived: derived, valuesOnly: record is not null && !gradient && !diagnose);
            _body(context, _args);
            // The total is never recorded: its value is summed, and the sweep starts from its terms' seeds.
            var value = context.EndValue();
            if (!gradient || double.IsNaN(value)) return NotNaN(value, gradient, gradientOut);
            context.BackwardOfTotal(tape);
            for (var i = 0; i < Dimension; i++) gradientOut[i] = tape.Adjoint(theta[i]);
            return value;
        }
        lp = SumOut(context, theta, record, diagnose, derived);
        if (!gradient || double.IsNaN(lp.Value)) return NotNaN(lp.Value, gradient, gradientOut);
        tape.Backward(lp);
        for (var i = 0; i < Dimension; i++) gradientOut[i] = tape.Adjoint(theta[i]);
        return lp.Value;
    }

    /// <summary>A value-only result, or a NaN log density as −∞ with a zero gradient.</summary>
    private static double NotNaN(double value, bool gradient, Span<double> gradientOut)
    {
        if (!double.IsNaN(value)) return value;
        if (gradient) gradientOut.Clear();
        return double.NegativeInfinity;
    }

    [ThreadStatic]
    private static double[]? t_discreteValues;

    [ThreadStatic]
    private static Real[]? t_runs;

    /// <summary>
    /// log Σ_k p(θ, k): one run of the form per combination k of the summed-out choices' values (an odometer over their
    /// supports), combined by one log-sum-exp node. The draw's values come from the first run (they do not depend on k);
    /// deterministic quantities too (those that depend on k are reported at the first combination), and each summed
    /// choice's E[k | θ] is appended after them.
    /// </summary>
    private Real SumOut(DifferentiableContext context, Real[] theta, double[]? record, bool diagnose, double[]? derived)
    {
        var summed = Layout.Summed;
        var values = t_discreteValues;
        if (values is null || values.Length < Layout.VisitCount) t_discreteValues = values = new double[Math.Max(Layout.VisitCount, 16)];
        values.AsSpan().Fill(double.NaN);
        var runs = t_runs;
        if (runs is null || runs.Length < _combinations) t_runs = runs = new Real[Math.Max(_combinations, 16)];
        Span<int> index = stackalloc int[summed.Length];
        for (var c = 0; c < _combinations; c++)
        {
            for (var i = 0; i < summed.Length; i++) values[summed[i].Visit] = summed[i].Min + index[i];
            context.Begin(Layout, theta, c == 0 ? record : null, diagnose, Name, derived: c == 0 ? derived : null, discreteValues: values);
            _body(context, _args);
            runs[c] = context.End();
            Advance(index, summed);
        }
        var lp = RealMath.LogSumExp(runs.AsSpan(0, _combinations));
        if (derived is not null)
        {
            // E[k_i | θ] = Σ_c softmax(log p(θ, k_c)) k_i(c): the Rao–Blackwellised posterior of each summed choice.
            var offset = Layout.Deterministics.Count;
            for (var i = 0; i < summed.Length; i++) derived[offset + i] = 0;
            index.Clear();
            for (var c = 0; c < _combinations; c++)
            {
                var w = double.IsFinite(lp.Value) ? Math.Exp(runs[c].Value - lp.Value) : 0.0;
                for (var i = 0; i < summed.Length; i++) derived[offset + i] += w * (summed[i].Min + index[i]);
                Advance(index, summed);
            }
        }
        return lp;
    }

    /// <summary>The next combination of the summed choices' values (an odometer, the last choice fastest).</summary>
    private static void Advance(Span<int> index, SummedChoice[] summed)
    {
        for (var i = summed.Length - 1; i >= 0; i--)
        {
            if (++index[i] < summed[i].Size) return;
            index[i] = 0;
        }
    }
}
