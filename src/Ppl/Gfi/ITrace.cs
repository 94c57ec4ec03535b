namespace Ppl;

/// <summary>A record of one execution of a generative function, whatever its types.</summary>
public interface ITrace
{
    /// <summary>The random choices made, by address.</summary>
    ChoiceMap Choices { get; }

    /// <summary>log p(t; x): choices, observations and factors.</summary>
    double Score { get; }

    /// <summary>The arguments, boxed.</summary>
    object? ArgsObject { get; }

    /// <summary>The return value, boxed.</summary>
    object? ReturnObject { get; }

    /// <summary>The generative function that produced this trace.</summary>
    IGenerativeFunction Function { get; }
}

/// <summary>A typed trace of a generative function.</summary>
public interface ITrace<TArgs, TRet> : ITrace
{
    /// <summary>The arguments of the execution.</summary>
    TArgs Args { get; }

    /// <summary>The return value.</summary>
    TRet Return { get; }

    /// <summary>The generative function that produced this trace.</summary>
    IGenerativeFunction<TArgs, TRet> GenerativeFunction { get; }
}

/// <summary>Helpers on traces.</summary>
public static class TraceExtensions
{
    /// <summary>The value of the choice at <paramref name="address"/>.</summary>
    public static T Get<T>(this ITrace trace, Address address) => trace.Choices.Get<T>(address);
}
