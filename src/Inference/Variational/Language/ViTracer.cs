using Ppl.Modeling;
using Ppl.Distributions;
using Ppl.Distributions.Tensors;
using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>What a <see cref="ViTracer"/> run does with each choice.</summary>
internal enum ViTracerMode
{
    /// <summary>Draw every choice with its strategy.</summary>
    Simulate,

    /// <summary>Constrained choices take the given values, the rest are drawn.</summary>
    Generate,

    /// <summary>Every choice is given (density of a trace).</summary>
    Assess,

    /// <summary>Like simulate, but observations are drawn too (sleep phase).</summary>
    Dream,
}

/// <summary>
/// The handler that runs a dynamic model under variational inference: every site's log density is a
/// tensor on the autograd graph (summed per particle), and each drawn choice goes through
/// <see cref="ViContext.Draw"/>, which applies the site's gradient strategy. Only tensor distributions
/// may be sampled (scalar <c>double</c> choices are invisible to autograd); scalar observations and
/// factors are constants.
/// </summary>
internal sealed class ViTracer(ViContext context, string modelName, ParameterStore parameters, ChoiceMap constraints,
    ViTracerMode mode, Selection? selection, Address prefix) : ITracer
{
    private readonly HashSet<Address> _visited = new();

    public ChoiceMap Choices { get; private set; } = ChoiceMap.Empty;

    public ChoiceMap Observations { get; private set; } = ChoiceMap.Empty;

    public Tensor? Score { get; private set; }

    public Tensor? Fresh { get; private set; }

    /// <summary>Σ log p of the choices <c>selection</c> contains (the marginal's weight of its own draw).</summary>
    public Tensor? Selected { get; private set; }

    public object? Return { get; set; }

    /// <summary>Every random choice with its distribution, in visiting order (automatic guides read the model's structure from it).</summary>
    public List<(Address Address, TensorDistribution Distribution, Tensor Value)> Sites { get; } = new();

    public Tensor ScoreOr(ViContext vi) => Score ?? vi.Constant(0);

    public Tensor FreshOr(ViContext vi) => Fresh ?? vi.Constant(0);

    public Tensor SelectedOr(ViContext vi) => Selected ?? vi.Constant(0);

    public T Sample<T>(Address address, IDistribution<T> distribution)
    {
        try
        {
            return SampleCore(address, distribution);
        }
        catch (DistributionParameterException e) when (e.Address is null)
        {
            throw new DistributionParameterException(e.Family, e.Problem, prefix / address);
        }
    }

    public void Observe<T>(Address address, IDistribution<T> distribution, T value)
    {
        try
        {
            ObserveCore(address, distribution, value);
        }
        catch (DistributionParameterException e) when (e.Address is null)
        {
            throw new DistributionParameterException(e.Family, e.Problem, prefix / address);
        }
    }

    // The distributions check their parameters whenever they sample or score; a failed check is rethrown
    // above with the site's address, so the tracer does not check again (each check is a pass and a sync).
    private T SampleCore<T>(Address address, IDistribution<T> distribution)
    {
        Visit(address);
        var (d, strategy) = Unwrap(address, distribution);
        Tensor value, lp;
        if (constraints.TryGetValue(address, out var given))
        {
            value = given as Tensor ?? throw new ModelException($"The value given for '{prefix / address}' is a {given?.GetType().Name ?? "null"}; variational inference needs tensors.", prefix / address);
            lp = context.LogProb(d, value);
        }
        else if (mode == ViTracerMode.Assess)
        {
            throw new ModelException($"The density of model '{modelName}' needs a value for the choice at '{prefix / address}', but the choices given have none.", prefix / address);
        }
        else
        {
            (value, lp) = context.Draw(d, strategy, prefix / address);
            Fresh = Add(Fresh, lp);
        }
        if (selection is not null && selection.Contains(address)) Selected = Add(Selected, lp);
        Score = Add(Score, lp);
        Choices = Choices.Set(address, value);
        Sites.Add((prefix / address, d, value));
        return (T)(object)value;
    }

    private void ObserveCore<T>(Address address, IDistribution<T> distribution, T value)
    {
        Visit(address);
        ArgumentNullException.ThrowIfNull(distribution);
        if (distribution is StrategicDistribution sd) distribution = (IDistribution<T>)(object)sd.Inner;
        if (distribution is TensorDistribution td)
        {
            var v = (Tensor)(object)value!;
            if (mode == ViTracerMode.Dream) v = context.Draw(td, GradientStrategy.Naive, prefix / address).Value;
            Score = Add(Score, context.LogProb(td, v));
            Observations = Observations.Set(address, v);
        }
        else
        {
            if (mode == ViTracerMode.Dream)
                throw new ModelException($"Dreaming needs tensor observations; '{prefix / address}' observes a {distribution.Family} over {typeof(T).Name}.", prefix / address);
            Score = Add(Score, context.Constant(distribution.LogDensity(value)));
        }
    }

    public void Factor(double logWeight) => Score = Add(Score, context.Constant(logWeight));

    public TSubRet Call<TSubArgs, TSubRet>(Address address, IGenerativeFunction<TSubArgs, TSubRet> function, TSubArgs args)
    {
        Visit(address);
        var inner = Run(context, function, args, constraints.GetSubmap(address), mode, selection?.Sub(address), prefix / address, out var ret);
        if (inner.Score is { } s) Score = Add(Score, s);
        if (inner.Fresh is { } f) Fresh = Add(Fresh, f);
        if (inner.Selected is { } sel) Selected = Add(Selected, sel);
        Sites.AddRange(inner.Sites);
        if (!inner.Choices.IsEmpty) Choices = Choices.SetSubmap(address, inner.Choices);
        if (!inner.Observations.IsEmpty) Observations = Observations.SetSubmap(address, inner.Observations);
        return ret;
    }

    /// <summary>
    /// Runs <paramref name="function"/> under a new tracer at <paramref name="at"/>: a dynamic model through its body, a
    /// <c>[Model]</c> method through its generated body with <see cref="ViHandler"/> (the model as written, its effects
    /// decided here), anything else is not supported (its log densities are not tensors on the autograd graph).
    /// </summary>
    internal static ViTracer Run<TArgs, TRet>(ViContext context, IGenerativeFunction<TArgs, TRet> function, TArgs args, ChoiceMap constraints,
        ViTracerMode mode, Selection? selection, Address at, out TRet ret)
    {
        switch (function)
        {
            case DynamicModel<TArgs, TRet> dm:
                {
                    var tracer = new ViTracer(context, dm.Name, dm.Parameters, constraints, mode, selection, at);
                    ret = dm.RunBody(tracer, args);
                    return tracer;
                }
            case IRunsWithHandler<TArgs, TRet> generated:
                {
                    // Generated bodies have no Param sites (a model with one runs through the dynamic tracer): no store to share.
                    var tracer = new ViTracer(context, generated.Name, new ParameterStore(), constraints, mode, selection, at);
                    var handler = new ViHandler(tracer, generated.Metadata);
                    ret = generated.RunWith(ref handler, args);
                    return tracer;
                }
            default:
                throw new NotSupportedException(
                    $"Variational inference runs [Model] methods and dynamic models; '{(at.IsRoot ? function.Name : at.ToString())}' is a {function.GetType().Name}.");
        }
    }

    public Tensor Param(string name, Func<Tensor> init)
    {
        ArgumentNullException.ThrowIfNull(init);
        // Created on the run's device and dtype (the store then detaches and clones it into a leaf).
        return parameters.GetOrAdd(name, () => context.Place(init()));
    }

    private (TensorDistribution, GradientStrategy) Unwrap<T>(Address address, IDistribution<T> distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        return distribution switch
        {
            StrategicDistribution s => (s.Inner, s.Strategy),
            TensorDistribution t => (t, GradientStrategy.DefaultFor(t)),
            _ => throw new NotSupportedException(
                $"Variational inference needs tensor distributions at random choices; '{prefix / address}' samples a {distribution.Family} over {typeof(T).Name}. Use the tensor overload (e.g. Dist.Normal(tensor, tensor))."),
        };
    }

    private void Visit(Address address)
    {
        if (!_visited.Add(address))
            throw new ModelException($"Model '{modelName}' used the address '{prefix / address}' twice in one run.", prefix / address);
    }

    private static Tensor Add(Tensor? total, Tensor term) => total is null ? term : total.Plus(term);
}
