/**
 * Every user-facing string of the Pulse components, as custom labels so admins can translate them.
 * Components import this object instead of importing labels one by one.
 */
import cardTitle from '@salesforce/label/c.Engagement_Card_Title';
import loading from '@salesforce/label/c.Engagement_Loading';
import errorGeneric from '@salesforce/label/c.Engagement_Error_Generic';
import noRecord from '@salesforce/label/c.Engagement_No_Record';
import neverScoredTitle from '@salesforce/label/c.Engagement_Never_Scored_Title';
import neverScoredBody from '@salesforce/label/c.Engagement_Never_Scored_Body';
import stale from '@salesforce/label/c.Engagement_Stale';
import malformed from '@salesforce/label/c.Engagement_Malformed';
import scoreAlt from '@salesforce/label/c.Engagement_Score_Alt';
import outOf from '@salesforce/label/c.Engagement_Score_Out_Of';
import bandLabel from '@salesforce/label/c.Engagement_Band_Label';
import trendAlt from '@salesforce/label/c.Engagement_Trend_Alt';
import change30d from '@salesforce/label/c.Engagement_Change_30d';
import sparklineTitle from '@salesforce/label/c.Engagement_Sparkline_Title';
import sparklineAlt from '@salesforce/label/c.Engagement_Sparkline_Alt';
import sparklineEmpty from '@salesforce/label/c.Engagement_Sparkline_Empty';
import topPeople from '@salesforce/label/c.Engagement_Top_People';
import topPeopleEmpty from '@salesforce/label/c.Engagement_Top_People_Empty';
import topKpis from '@salesforce/label/c.Engagement_Top_Kpis';
import topKpisEmpty from '@salesforce/label/c.Engagement_Top_Kpis_Empty';
import drivers from '@salesforce/label/c.Engagement_Drivers';
import shareAlt from '@salesforce/label/c.Engagement_Share_Alt';
import coverage from '@salesforce/label/c.Engagement_Coverage';
import coverageValue from '@salesforce/label/c.Engagement_Coverage_Value';
import missingPersonas from '@salesforce/label/c.Engagement_Missing_Personas';
import noMissingPersonas from '@salesforce/label/c.Engagement_No_Missing_Personas';
import peopleEngaged from '@salesforce/label/c.Engagement_People_Engaged';
import mqa from '@salesforce/label/c.Engagement_MQA';
import mqaSince from '@salesforce/label/c.Engagement_MQA_Since';
import lastScored from '@salesforce/label/c.Engagement_Last_Scored';
import justNow from '@salesforce/label/c.Engagement_Just_Now';
import minutesAgo from '@salesforce/label/c.Engagement_Minutes_Ago';
import hoursAgo from '@salesforce/label/c.Engagement_Hours_Ago';
import daysAgo from '@salesforce/label/c.Engagement_Days_Ago';
import modelVersion from '@salesforce/label/c.Engagement_Model_Version';
import lastActivity from '@salesforce/label/c.Engagement_Last_Activity';
import leaderboardTitle from '@salesforce/label/c.Engagement_Leaderboard_Title';
import sortBy from '@salesforce/label/c.Engagement_Leaderboard_Sort';
import sortScore from '@salesforce/label/c.Engagement_Leaderboard_Sort_Score';
import sortChange from '@salesforce/label/c.Engagement_Leaderboard_Sort_Change';
import filterTrend from '@salesforce/label/c.Engagement_Leaderboard_Filter';
import allTrends from '@salesforce/label/c.Engagement_Leaderboard_All_Trends';
import leaderboardEmpty from '@salesforce/label/c.Engagement_Leaderboard_Empty';
import morePerson from '@salesforce/label/c.Engagement_More_Person';
import morePeople from '@salesforce/label/c.Engagement_More_People';
import leaderboardShowMore from '@salesforce/label/c.Engagement_Leaderboard_Show_More';
import leaderboardEmptyFilter from '@salesforce/label/c.Engagement_Leaderboard_Empty_Filter';
import colRank from '@salesforce/label/c.Engagement_Leaderboard_Rank';
import colAccount from '@salesforce/label/c.Engagement_Leaderboard_Account';
import colScore from '@salesforce/label/c.Engagement_Leaderboard_Score';
import colTrend from '@salesforce/label/c.Engagement_Leaderboard_Trend';
import colChange from '@salesforce/label/c.Engagement_Leaderboard_Change';
import trendSurging from '@salesforce/label/c.Engagement_Trend_Surging';
import trendHeating from '@salesforce/label/c.Engagement_Trend_Heating';
import trendNeutral from '@salesforce/label/c.Engagement_Trend_Neutral';
import trendCooling from '@salesforce/label/c.Engagement_Trend_Cooling';
import trendNew from '@salesforce/label/c.Engagement_Trend_New';

const LABELS = {
  cardTitle,
  loading,
  errorGeneric,
  noRecord,
  neverScoredTitle,
  neverScoredBody,
  stale,
  malformed,
  scoreAlt,
  outOf,
  bandLabel,
  trendAlt,
  change30d,
  sparklineTitle,
  sparklineAlt,
  sparklineEmpty,
  topPeople,
  topPeopleEmpty,
  topKpis,
  topKpisEmpty,
  drivers,
  shareAlt,
  coverage,
  coverageValue,
  missingPersonas,
  noMissingPersonas,
  peopleEngaged,
  mqa,
  mqaSince,
  lastScored,
  justNow,
  minutesAgo,
  hoursAgo,
  daysAgo,
  modelVersion,
  lastActivity,
  leaderboardTitle,
  sortBy,
  sortScore,
  sortChange,
  filterTrend,
  allTrends,
  leaderboardEmpty,
  morePerson,
  morePeople,
  leaderboardShowMore,
  leaderboardEmptyFilter,
  colRank,
  colAccount,
  colScore,
  colTrend,
  colChange,
  trendSurging,
  trendHeating,
  trendNeutral,
  trendCooling,
  trendNew,
};

export default LABELS;
