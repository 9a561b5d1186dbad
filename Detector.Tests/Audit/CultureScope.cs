using System.Globalization;

namespace Detector.Tests.Audit;

/// <summary>Switches CurrentCulture (and UI culture) for the lifetime of the scope.</summary>
public sealed class CultureScope : IDisposable
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    public CultureScope(CultureInfo culture)
    {
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
    }

    /// <summary>de-DE when the runtime has it; under InvariantGlobalization an invariant clone with German separators.</summary>
    public static CultureScope German()
    {
        CultureInfo culture;
        try { culture = new CultureInfo("de-DE"); }
        catch (CultureNotFoundException) { culture = (CultureInfo)CultureInfo.InvariantCulture.Clone(); }
        if (culture.NumberFormat.NumberDecimalSeparator != ",")
        {
            culture = (CultureInfo)culture.Clone();
            culture.NumberFormat.NumberDecimalSeparator = ",";
            culture.NumberFormat.NumberGroupSeparator = ".";
            culture.DateTimeFormat.TimeSeparator = ".";
            culture.DateTimeFormat.DateSeparator = ".";
        }
        return new CultureScope(culture);
    }

    public void Dispose()
    {
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
    }
}
