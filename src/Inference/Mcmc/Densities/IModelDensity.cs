namespace Ppl.Inference.Mcmc;

/// <summary>
/// A density over a model's choices on unconstrained space (<see cref="ModelDensity{TArgs}"/>, or the
/// finite-difference <see cref="GenerativeFunctionDensity{TArgs, TRet}"/>): its coordinates are named by
/// address, positions map to the choices' values, and a bad position can be explained.
/// </summary>
public interface IModelDensity : IDifferentiableDensity
{
    /// <summary>The address of each coordinate.</summary>
    IReadOnlyList<Address> Addresses { get; }

    /// <summary>
    /// The name of each entry of a draw's choice values (<see cref="Constrain"/>): the coordinates' addresses when every
    /// choice is a scalar; a vector choice <c>p</c> reports <c>p/0</c> … <c>p/K−1</c> (a K-simplex: K entries for K − 1
    /// coordinates), a matrix choice <c>L</c> its entries <c>L/i/j</c>.
    /// </summary>
    IReadOnlyList<Address> ValueAddresses => Addresses;

    /// <summary>The choices' values (constrained) at the unconstrained position <paramref name="u"/>, one per entry of <see cref="ValueAddresses"/>.</summary>
    double[] Constrain(ReadOnlySpan<double> u);

    /// <summary>
    /// <paramref name="map"/> with the choices set to the values in <paramref name="values"/> (a draw's entries, as
    /// <see cref="Constrain"/> gives them): a vector or matrix choice is set whole, as the model's other forms hold it.
    /// </summary>
    ChoiceMap SetValues(ChoiceMap map, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(map);
        for (var i = 0; i < Addresses.Count; i++) map = map.Set(Addresses[i], values[i]);
        return map;
    }

    /// <summary>The addresses of the deterministic quantities the model reports (<c>Deterministic(value, address)</c>), after the coordinates in a draw.</summary>
    IReadOnlyList<Address> DerivedAddresses { get; }

    /// <summary>The choices' values at <paramref name="u"/> (as <see cref="Constrain"/>) followed by the deterministic quantities' values: one draw as reported.</summary>
    double[] Report(ReadOnlySpan<double> u);

    /// <summary>The log density at <paramref name="u"/> when finite; otherwise an exception that names the site and value at fault.</summary>
    double Check(ReadOnlySpan<double> u);

    /// <summary>The unconstrained position of the coordinates' values given in <paramref name="choices"/> (a user's starting point).</summary>
    double[] Unconstrain(ChoiceMap choices);
}

/// <summary>Builds the density of a model's posterior on unconstrained space.</summary>
public static class ModelDensity
{
    /// <summary>
    /// The density of the continuous choices of <paramref name="model"/> given <paramref name="observations"/>:
    /// exact gradients from the model's differentiable form (a generated <c>[Model]</c> function); for a dynamic
    /// model, the finite-difference <see cref="GenerativeFunctionDensity{TArgs, TRet}"/> (2 runs per coordinate per
    /// gradient), with a warning on the trace listeners.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">The observed values.</param>
    /// <param name="held">Values of choices that are not coordinates (e.g. discrete ones a Gibbs kernel moves), and starting values.</param>
    /// <param name="selection">Which continuous choices are coordinates (default: all that are not observed).</param>
    /// <param name="sumOutDiscrete">Sum the finite discrete choices out exactly (see <see cref="ModelDensity{TArgs}"/>); generated models only.</param>
    public static IModelDensity Create<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations,
        ChoiceMap? held = null, Selection? selection = null, bool sumOutDiscrete = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(observations);
        if (model is Modeling.IHasDifferentiableForm<TArgs> d)
        {
            if (d.DifferentiableForm is { } body) return new ModelDensity<TArgs>(model.Name, body, args, observations, held, selection, sumOutDiscrete);
            throw new NotSupportedException(
                $"'{model.Name}' has no differentiable form: {d.DifferentiableFormMissingReason} (diagnostic PPL0012). Gradient-based inference needs one; " +
                "change that construct, or run a dynamic model (finite-difference gradients).");
        }
        if (sumOutDiscrete)
            throw new NotSupportedException($"'{model.Name}' is not a generated [Model] with a differentiable form: summing out discrete choices needs one.");
        System.Diagnostics.Trace.TraceWarning(
            $"'{model.Name}' is not a generated [Model] with a differentiable form: its gradient is taken by central differences (2 runs of the model per coordinate).");
        var trace = model.Generate(args, held is null ? observations : observations.Merge(held), new Rng(0)).Trace;
        return new GenerativeFunctionDensity<TArgs, TRet>(trace, selection ?? Selection.All);
    }
}
